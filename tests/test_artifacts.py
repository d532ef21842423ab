"""Job artifacts: a path inside the Flink bucket is joined with it, a URI is used as is (it rendered
`s3://bucket/s3://other/a.jar` before)."""

from __future__ import annotations

from tests.conftest import environment, find, render


def test_jar_and_main_file_uris_are_used_as_is_and_paths_join_the_bucket() -> None:
    jobs = [{"name": "by-path", "jarPath": "jobs/a.jar"}, {"name": "by-uri", "jarPath": "s3://other/jobs/b.jar"},
            {"name": "by-https", "jarPath": "https://repo.example.com/c.jar"}]
    apps = [{"name": "by-path", "type": "Python", "mainApplicationFile": "jobs/ingest.py"},
            {"name": "by-uri", "type": "Python", "mainApplicationFile": "local:///opt/spark/app.py"}]
    objects = render(environment(flink={"jobs": jobs}, spark={"applications": apps}))
    assert [find(objects, "FlinkSessionJob", job["name"])["spec"]["job"]["jarURI"] for job in jobs] == [
        "s3://flink-bucket/jobs/a.jar", "s3://other/jobs/b.jar", "https://repo.example.com/c.jar"]
    assert [find(objects, "SparkApplication", app["name"])["spec"]["mainApplicationFile"] for app in apps] == [
        "s3a://flink-bucket/jobs/ingest.py", "local:///opt/spark/app.py"]
    tiering = find(objects, "FlinkSessionJob", "fluss-tiering-job")["spec"]["job"]["jarURI"]
    assert tiering == "s3://flink-bucket/job-artifacts/fluss-flink-tiering-0.9.1-incubating.jar"
