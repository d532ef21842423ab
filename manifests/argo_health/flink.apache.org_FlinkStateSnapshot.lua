-- Argo CD health of a FlinkStateSnapshot (Flink Kubernetes Operator 1.14.0): a savepoint or checkpoint request.
-- Value of argocd-cm `resource.customizations.health.flink.apache.org_FlinkStateSnapshot`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only;
-- `string` is used only when present. Every field is read nil- and type-safely: an unknown shape is Progressing.

local function assess(obj)
  local spec = field(obj, "spec")
  local what = "Snapshot"
  if type(field(spec, "savepoint")) == "table" then
    what = "Savepoint"
  elseif type(field(spec, "checkpoint")) == "table" then
    what = "Checkpoint"
  end
  local status = field(obj, "status")
  if type(status) ~= "table" then
    return "Progressing", "Waiting for the Flink operator to report a status"
  end
  local state = text(status.state)
  local err = error_message(status.error)
  local failures = status.failures
  if type(failures) ~= "number" then failures = tonumber(failures) or 0 end

  if state == "COMPLETED" then
    local path = text(status.path)
    if path ~= nil then return "Healthy", what .. " completed: " .. path end
    return "Healthy", what .. " completed"
  elseif state == "FAILED" then
    return "Degraded", what .. " failed after " .. failures .. " attempt(s): " .. (err or "no error reported")
  elseif state == "ABANDONED" then
    return "Degraded", what .. " abandoned (the job was not found or stopped after the trigger): " ..
      (err or "no error reported")
  elseif state == "IN_PROGRESS" or state == "TRIGGER_PENDING" then
    local message = what .. " " .. state
    local trigger = text(status.triggerId)
    if trigger ~= nil then message = message .. " (trigger " .. trigger .. ")" end
    if err ~= nil then message = message .. "; retrying after " .. failures .. " failure(s): " .. err end
    return "Progressing", message
  end
  return "Progressing", "Unknown snapshot state: " .. describe(status.state)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
