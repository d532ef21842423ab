-- Argo CD health of a SparkApplication (Kubeflow Spark operator 2.5.2).
-- Value of argocd-cm `resource.customizations.health.sparkoperator.k8s.io_SparkApplication`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only.
-- Every field is read nil- and type-safely: an unknown shape is Progressing.

-- executors by state, from status.executorState (pod name -> PENDING/RUNNING/COMPLETED/FAILED/UNKNOWN)
local function executors(status)
  local running, total = 0, 0
  local states = field(status, "executorState")
  if type(states) == "table" then
    for _, state in pairs(states) do
      total = total + 1
      if state == "RUNNING" then running = running + 1 end
    end
  end
  return running .. "/" .. total .. " executors running"
end

local function assess(obj)
  local status = field(obj, "status")
  if type(status) ~= "table" then
    return "Progressing", "Waiting for the Spark operator to report a status"
  end
  local app_state = field(status, "applicationState")
  local raw_state = field(app_state, "state")
  local state = text(raw_state)
  local err = text(field(app_state, "errorMessage"))
  local attempts = field(status, "executionAttempts")

  if raw_state == "" and type(app_state) == "table" then
    return "Progressing", "New: waiting for submission"
  elseif state == "COMPLETED" then
    return "Healthy", "Completed"
  elseif state == "RUNNING" then
    return "Healthy", "Running (" .. executors(status) .. ")"
  elseif state == "FAILED" then
    return "Degraded", with_error("Failed", err)
  elseif state == "SUBMISSION_FAILED" then
    return "Degraded", with_error("Submission failed", err)
  elseif state == "FAILING" then
    return "Degraded", with_error("Driver failed; the operator retries or fails the application per its restartPolicy", err)
  elseif state == "SUBMITTED" then
    return "Progressing", "Submitted: waiting for the driver"
  elseif state == "PENDING_RERUN" then
    local message = "Pending rerun"
    if type(attempts) == "number" then message = message .. " (" .. attempts .. " execution attempt(s) so far)" end
    return "Progressing", with_error(message, err)
  elseif state == "INVALIDATING" then
    return "Progressing", "Spec changed: deleting the current run before a rerun"
  elseif state == "SUCCEEDING" then
    return "Progressing", "Driver completed: the operator decides between a rerun and COMPLETED"
  elseif state == "SUSPENDING" then
    return "Progressing", "Suspending (spec.suspend: true): deleting the application's pods"
  elseif state == "SUSPENDED" then
    -- Healthy, not Suspended: a sync wave ends only on Healthy or Degraded (manifests/argo_health/__init__.py)
    if field(field(obj, "spec"), "suspend") == true then
      return "Healthy", "Suspended by its spec (spec.suspend: true)"
    end
    return "Progressing", "Suspended, resuming: spec.suspend is no longer true"
  elseif state == "RESUMING" then
    return "Progressing", "Resuming (spec.suspend: false): resubmitting"
  elseif state == "UNKNOWN" then
    return "Progressing", with_error("Driver pod state unknown", err)
  end
  return "Progressing", "Unknown application state: " .. describe(raw_state)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
