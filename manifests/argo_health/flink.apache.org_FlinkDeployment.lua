-- Argo CD health of a FlinkDeployment (Flink Kubernetes Operator 1.14.0), application and session clusters.
-- Value of argocd-cm `resource.customizations.health.flink.apache.org_FlinkDeployment`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources; field, text, number,
-- describe, with_error and error_message come from _helpers.lua, prepended to this file.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only;
-- `string` is used only when present. Every field is read nil- and type-safely: an unknown shape is Progressing.

local function assess(obj)
  local status = field(obj, "status")
  local spec = field(obj, "spec")
  local job_spec = field(spec, "job")
  local application = type(job_spec) == "table"
  local suspended_spec = application and field(job_spec, "state") == "suspended"
  if type(status) ~= "table" then
    if suspended_spec then
      -- the operator does not deploy (nor write a status for) a job created suspended
      return "Suspended", "Job created suspended (spec.job.state: suspended); nothing deployed"
    end
    return "Progressing", "Waiting for the Flink operator to report a status"
  end

  local lifecycle = text(status.lifecycleState)
  local jm = text(status.jobManagerDeploymentStatus)
  local job_state = text(field(status.jobStatus, "state"))
  local reconciliation = text(field(status.reconciliationStatus, "state"))
  local err = error_message(status.error)
  local generation = number(field(field(obj, "metadata"), "generation"))
  local observed = number(status.observedGeneration)

  if lifecycle == "DELETING" or lifecycle == "DELETED" then
    return "Progressing", "Being deleted (lifecycle " .. lifecycle .. ")"
  end
  if lifecycle == "CREATED" and suspended_spec and err == nil then
    return "Suspended", "Job created suspended (spec.job.state: suspended); nothing deployed"
  end
  if generation ~= nil and (observed == nil or observed < generation) then
    if err ~= nil then
      return "Degraded", "Spec generation " .. generation .. " not accepted by the operator: " .. err
    end
    local seen = "none observed yet"
    if observed ~= nil then seen = "observed " .. observed end
    return "Progressing", "Waiting for the operator to reconcile spec generation " .. generation .. " (" .. seen .. ")"
  end
  if lifecycle == "FAILED" then
    return "Degraded", with_error("Failed (job " .. describe(job_state) .. ", JobManager " .. describe(jm) .. ")", err)
  end
  if lifecycle == "ROLLING_BACK" or reconciliation == "ROLLING_BACK" then
    return "Degraded", with_error("Rolling back to the last stable spec: the new spec did not become stable", err)
  end
  if lifecycle == "ROLLED_BACK" or reconciliation == "ROLLED_BACK" then
    return "Degraded", with_error("Rolled back to the last stable spec: the current spec did not become stable", err)
  end
  if lifecycle == "SUSPENDED" then
    return "Suspended", "Job suspended (spec.job.state: suspended; job " .. describe(job_state) .. ")"
  end
  if lifecycle == "UPGRADING" or reconciliation == "UPGRADING" then
    return "Progressing", with_error("Upgrading to the new spec", err)
  end
  if lifecycle == "CREATED" then
    return "Progressing", with_error("Created, not yet deployed by the operator", err)
  end

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

  local subject = "Session cluster"
  if application then
    local name = text(field(status.jobStatus, "jobName"))
    subject = "Job"
    if name ~= nil then subject = "Job " .. name end
    if job_state == "FAILED" or job_state == "FAILING" or job_state == "CANCELED" then
      return "Degraded", with_error(subject .. " " .. job_state, err)
    elseif job_state == "RESTARTING" or job_state == "CANCELLING" or job_state == "CREATED"
        or job_state == "INITIALIZING" or job_state == "RECONCILING" or job_state == "SUSPENDED" then
      return "Progressing", with_error(subject .. " " .. job_state, err)
    elseif job_state ~= "RUNNING" and job_state ~= "FINISHED" then
      return "Progressing", "Unknown job state: " .. describe(field(status.jobStatus, "state"))
    end
    subject = subject .. " " .. job_state
  else
    subject = subject .. " ready"
  end

  if lifecycle == "STABLE" then
    return "Healthy", subject .. " (lifecycle STABLE)"
  elseif lifecycle == "DEPLOYED" then
    return "Progressing", subject .. ", waiting for the spec to be marked stable (lifecycle DEPLOYED)"
  end
  return "Progressing", "Unknown lifecycle state: " .. describe(status.lifecycleState)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
