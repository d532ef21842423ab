-- Argo CD health of a ScheduledSparkApplication (Kubeflow Spark operator 2.5.2): a cron schedule of SparkApplications.
-- Value of argocd-cm `resource.customizations.health.sparkoperator.k8s.io_ScheduledSparkApplication`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only.
-- Every field is read nil- and type-safely: an unknown shape is Progressing.

local function assess(obj)
  -- the controller skips a suspended schedule before looking at its status (scheduledsparkapplication/controller.go),
  -- and writes none for it; Healthy, not Suspended: a sync wave ends only on Healthy or Degraded (as Argo CD's own
  -- CronJob check answers for spec.suspend, argoproj/argo-cd#24428; manifests/argo_health/__init__.py)
  if field(field(obj, "spec"), "suspend") == true then
    return "Healthy", "Suspended by its spec (spec.suspend: true): no run is scheduled"
  end
  local status = field(obj, "status")
  if type(status) ~= "table" then
    return "Progressing", "Waiting for the Spark operator to report a status"
  end
  local raw_state = field(status, "scheduleState")
  local state = text(raw_state)
  if state == "Scheduled" then
    local message = "Scheduled"
    local next_run = text(status.nextRun)
    if next_run ~= nil then message = message .. ", next run " .. next_run end
    local last = text(status.lastRunName)
    if last ~= nil then message = message .. ", last run " .. last end
    return "Healthy", message
  elseif state == "FailedValidation" then
    return "Degraded", "Schedule failed validation: " .. (text(status.reason) or "no reason reported")
  elseif state == "Validating" or raw_state == nil or raw_state == "" then
    return "Progressing", "Waiting for the operator to validate the schedule"
  end
  return "Progressing", "Unknown schedule state: " .. describe(raw_state)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
