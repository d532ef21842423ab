-- Argo CD health of a FlinkDeployment (Flink Kubernetes Operator 1.14.0), application and session clusters.
-- Value of argocd-cm `resource.customizations.health.flink.apache.org_FlinkDeployment`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, flink_state, flink_lifecycle,
-- flink_job and flink_stable from _flink_job.lua, both prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only;
-- `string` is used only when present. Every field is read nil- and type-safely: an unknown shape is Progressing.

local function assess(obj)
  local status = field(obj, "status")
  local job_spec = field(field(obj, "spec"), "job")
  local application = type(job_spec) == "table"
  local suspended_spec = application and field(job_spec, "state") == "suspended"
  local s = {}
  if type(status) == "table" then s = flink_state(obj, status) end
  local jm = type(status) == "table" and text(status.jobManagerDeploymentStatus) or nil
  local decided, message = flink_lifecycle(status, s, suspended_spec, "deployed",
                                           "job " .. describe(s.job_state) .. ", JobManager " .. describe(jm))
  if decided ~= nil then return decided, message end

  local err = s.err
  if jm == "ERROR" then
    return "Degraded", with_error("JobManager deployment in error", err)
  elseif jm == "MISSING" then
    if err ~= nil then return "Degraded", "JobManager deployment missing: " .. err end
    return "Progressing", "JobManager deployment not found yet"
  elseif jm == "DEPLOYING" then
    return "Progressing", with_error("JobManager is starting", err)
  elseif jm == "DEPLOYED_NOT_READY" then
    return "Progressing", with_error("JobManager is running, waiting for its REST API", err)
  elseif jm ~= "READY" then
    return "Progressing", "Unknown JobManager deployment status: " .. describe(status.jobManagerDeploymentStatus)
  end

  if not application then
    return flink_stable(status, s, "Session cluster ready")
  end
  local subject
  decided, subject = flink_job(status, s)
  if decided ~= nil then return decided, subject end
  return flink_stable(status, s, subject)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
