-- Argo CD health of a FlinkSessionJob (Flink Kubernetes Operator 1.14.0): a job submitted to a session cluster.
-- Value of argocd-cm `resource.customizations.health.flink.apache.org_FlinkSessionJob`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, flink_state, flink_lifecycle,
-- flink_job and flink_stable from _flink_job.lua, both prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only;
-- `string` is used only when present. Every field is read nil- and type-safely: an unknown shape is Progressing.

local function assess(obj)
  local status = field(obj, "status")
  local suspended_spec = field(field(field(obj, "spec"), "job"), "state") == "suspended"
  local s = {}
  if type(status) == "table" then s = flink_state(obj, status) end
  local decided, message = flink_lifecycle(status, s, suspended_spec, "submitted", "job " .. describe(s.job_state))
  if decided ~= nil then return decided, message end
  local subject
  decided, subject = flink_job(status, s)
  if decided ~= nil then return decided, subject end
  return flink_stable(status, s, subject)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
