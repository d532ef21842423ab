-- The checks FlinkDeployment and FlinkSessionJob share (Flink Kubernetes Operator 1.14.0), prepended after
-- _helpers.lua to both kinds' scripts by manifests/argo_health. Each returns (status, message) when it decides the
-- health, nothing when the kind's own checks go on.

-- The fields the checks read, nil- and type-safe.
local function flink_state(obj, status)
  return {
    lifecycle = text(status.lifecycleState),
    job_state = text(field(status.jobStatus, "state")),
    reconciliation = text(field(status.reconciliationStatus, "state")),
    err = error_message(status.error),
    generation = number(field(field(obj, "metadata"), "generation")),
    observed = number(status.observedGeneration),
  }
end

-- Argo CD ends a sync wave only when each of its resources is Healthy or Degraded; Suspended and Progressing hold
-- the wave, and every later one, until they change, and there is no sync timeout by default (argo-cd v3.5.1,
-- gitops-engine/pkg/sync/sync_context.go:555-597). A job suspended by its own spec (spec.job.state: suspended) stays
-- suspended until a person changes the spec, so once the operator reports it suspended it is Healthy, with a message
-- that says so; while the operator suspends or resumes it, Progressing.
local SUSPENDED_BY_SPEC = "Suspended by its spec (spec.job.state: suspended"

-- No status yet, deletion, a spec the operator has not taken (or refused), and the lifecycle states that decide by
-- themselves. `verb`: what the operator does with a new resource ("deployed", "submitted"); `failed`: what a
-- FAILED message names.
local function flink_lifecycle(status, s, suspended_spec, verb, failed)
  if type(status) ~= "table" then
    return "Progressing", "Waiting for the Flink operator to report a status"
  end
  local lifecycle, reconciliation, err = s.lifecycle, s.reconciliation, s.err
  if lifecycle == "DELETING" or lifecycle == "DELETED" then
    return "Progressing", "Being deleted (lifecycle " .. lifecycle .. ")"
  end
  if lifecycle == "CREATED" and suspended_spec and err == nil then
    -- the operator does not start a job created suspended (nor will it until the spec changes)
    return "Healthy", SUSPENDED_BY_SPEC .. "): created suspended, nothing " .. verb
  end
  local generation, observed = s.generation, s.observed
  if generation ~= nil and (observed == nil or observed < generation) then
    if err ~= nil then
      return "Degraded", "Spec generation " .. generation .. " not accepted by the operator: " .. err
    end
    local seen = "none observed yet"
    if observed ~= nil then seen = "observed " .. observed end
    return "Progressing", "Waiting for the operator to reconcile spec generation " .. generation .. " (" .. seen .. ")"
  end
  if lifecycle == "FAILED" then
    return "Degraded", with_error("Failed (" .. failed .. ")", err)
  end
  if lifecycle == "ROLLING_BACK" or reconciliation == "ROLLING_BACK" then
    return "Degraded", with_error("Rolling back to the last stable spec: the new spec did not become stable", err)
  end
  if lifecycle == "ROLLED_BACK" or reconciliation == "ROLLED_BACK" then
    return "Degraded", with_error("Rolled back to the last stable spec: the current spec did not become stable", err)
  end
  if lifecycle == "SUSPENDED" then
    -- SUSPENDED is the last reconciled spec's state (CommonStatus.getLifecycleState)
    if suspended_spec then
      return "Healthy", SUSPENDED_BY_SPEC .. "; job " .. describe(s.job_state) .. ")"
    end
    return "Progressing", "Resuming (spec.job.state is no longer suspended; job " .. describe(s.job_state) .. ")"
  end
  if suspended_spec then
    return "Progressing", with_error("Suspending (spec.job.state: suspended): lifecycle " .. describe(lifecycle) ..
                                     ", job " .. describe(s.job_state), err)
  end
  if lifecycle == "UPGRADING" or reconciliation == "UPGRADING" then
    return "Progressing", with_error("Upgrading to the new spec", err)
  end
  if lifecycle == "CREATED" then
    return "Progressing", with_error("Created, not yet " .. verb .. " by the operator", err)
  end
end

-- The job's state: (status, message) unless RUNNING or FINISHED, else (nil, "Job <name> <state>") for the last step.
local function flink_job(status, s)
  local job_state, err = s.job_state, s.err
  local subject = "Job"
  local name = text(field(status.jobStatus, "jobName"))
  if name ~= nil then subject = "Job " .. name end
  if job_state == "FAILED" or job_state == "FAILING" or job_state == "CANCELED" then
    return "Degraded", with_error(subject .. " " .. job_state, err)
  elseif job_state == "RESTARTING" or job_state == "CANCELLING" or job_state == "CREATED"
      or job_state == "INITIALIZING" or job_state == "RECONCILING" or job_state == "SUSPENDED" then
    return "Progressing", with_error(subject .. " " .. job_state, err)
  elseif job_state ~= "RUNNING" and job_state ~= "FINISHED" then
    return "Progressing", "Unknown job state: " .. describe(field(status.jobStatus, "state"))
  end
  return nil, subject .. " " .. job_state
end

-- The last step: STABLE is Healthy, DEPLOYED waits to be marked stable, anything else is unknown.
local function flink_stable(status, s, subject)
  if s.lifecycle == "STABLE" then
    return "Healthy", subject .. " (lifecycle STABLE)"
  elseif s.lifecycle == "DEPLOYED" then
    return "Progressing", subject .. ", waiting for the spec to be marked stable (lifecycle DEPLOYED)"
  end
  return "Progressing", "Unknown lifecycle state: " .. describe(status.lifecycleState)
end
