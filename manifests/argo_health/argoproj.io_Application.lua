-- Argo CD health of an Application, as its parent in an app of apps sees it (Argo CD dropped this check in 1.8, so a
-- parent's sync waves no longer wait for its child Applications without it).
-- Value of argocd-cm `resource.customizations.health.argoproj.io_Application`; see manifests/argo_health/__init__.py
-- for the state table and its upstream sources.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only.
-- Every field is read nil- and type-safely: an unknown shape is Progressing.

local KNOWN = {Healthy = true, Progressing = true, Degraded = true, Missing = true}
local ROOT_ANNOTATION = "lakehouse.dev/app-of-apps"

-- Whether the last sync result is of the revision(s) the app is now compared to: single source `revision`, several
-- sources `revisions`, in the same order (argo-cd pkg/apis/application/v1alpha1/types.go SyncStatus,
-- SyncOperationResult).
local function same_revision(sync, result)
  local revision = text(field(sync, "revision"))
  if revision ~= nil then
    return revision == text(field(result, "revision"))
  end
  local wanted, done = field(sync, "revisions"), field(result, "revisions")
  if type(wanted) ~= "table" or type(done) ~= "table" or #wanted == 0 or #wanted ~= #done then
    return false
  end
  for i = 1, #wanted do
    if text(wanted[i]) == nil or wanted[i] ~= done[i] then return false end
  end
  return true
end

local function assess(obj)
  local status = field(obj, "status")
  if field(field(field(obj, "metadata"), "annotations"), ROOT_ANNOTATION) == "root" then
    -- The root syncs its own object (in its last wave), and a sync waits for each synced object's health while its
    -- own operation runs: the root's health is its children's, which the earlier waves waited for, so its own
    -- object gates nothing and must not wait for the sync it is part of.
    return "Healthy", "Root of the app of apps: its health is its children's (health "
      .. describe(text(field(field(status, "health"), "status"))) .. ", sync status "
      .. describe(text(field(field(status, "sync"), "status"))) .. "); in its last sync wave, it gates nothing"
  end
  if type(status) ~= "table" then
    return "Progressing", "Waiting for Argo CD to assess the Application"
  end
  local operation = field(status, "operationState")
  local phase = text(field(operation, "phase"))
  if phase == "Failed" or phase == "Error" then
    return "Degraded", "Sync " .. phase .. ": " .. (text(field(operation, "message")) or "no message")
  end
  local retries = number(field(operation, "retryCount"))
  if phase == "Running" and retries ~= nil and retries > 0 then
    -- With a negative retry limit a failed sync goes back to Running with one more retry, never to Failed: without
    -- this, a failing child would read as Progressing and its parent's wave would wait for it for good
    return "Degraded", "Sync failed, retry " .. retries .. ": " .. (text(field(operation, "message")) or "no message")
  end
  local raw_health = field(field(status, "health"), "status")
  local health = text(raw_health)
  local sync = text(field(field(status, "sync"), "status")) or "unknown"
  local settled = health == "Healthy" or health == "Suspended"
  if settled and phase == "Running" then
    -- Argo CD leaves objects not created yet out of an app's health: a child in the middle of its sync reads Healthy;
    -- its parent's next wave must wait for it
    return "Progressing", health .. " so far, sync Running, sync status " .. sync
  end
  local drift = nil
  if settled and sync == "OutOfSync" and phase == "Succeeded"
      and same_revision(field(status, "sync"), field(operation, "syncResult")) then
    -- Out of sync after a finished sync of the revision it is at: every object was applied, and what differs is
    -- drift (an object to prune that Prune=false keeps, a change in the cluster) that no automated sync of that
    -- revision removes, so it must not hold the parent's wave
    drift = "OutOfSync after its sync of this revision succeeded (an object left to prune, or changed in the cluster)"
  elseif settled and sync ~= "Synced" then
    -- ... nor before its sync of the revision it is compared to has finished
    return "Progressing", health .. " so far, sync " .. (phase or "pending") .. ", sync status " .. sync
  end
  if health == "Suspended" then
    -- An app's health is its worst resource's, and Suspended ranks just below Healthy (gitops-engine pkg/health
    -- healthOrder; argo-cd controller/health.go): a synced child is Suspended when a resource is paused or suspended
    -- (a paused Deployment, a suspended Job), which stays so until a person changes it. The parent's wave would wait
    -- for it for good (a wave ends only on Healthy or Degraded), so it counts as Healthy, with a message that says so.
    local message = text(field(status.health, "message"))
    if message ~= nil then
      return "Healthy", "Suspended, counted as Healthy: " .. message .. (drift and ("; " .. drift) or "")
    end
    return "Healthy", "Suspended, counted as Healthy, " .. (drift or ("sync status " .. sync))
  elseif drift ~= nil then
    local message = text(field(status.health, "message"))
    return "Healthy", (message and (message .. "; ") or "Healthy, ") .. drift
  elseif health ~= nil and KNOWN[health] then
    return health, text(field(status.health, "message")) or (health .. ", sync status " .. sync)
  elseif health == "Unknown" then
    return "Progressing", "Health unknown, sync status " .. sync
  elseif raw_health == nil then
    return "Progressing", "Waiting for Argo CD to assess the Application's health"
  end
  return "Progressing", "Unknown health status: " .. describe(raw_health)
end

local hs = {}
hs.status, hs.message = assess(obj)
return hs
