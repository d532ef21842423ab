-- Argo CD health of an Application, as its parent in an app of apps sees it (Argo CD dropped this check in 1.8, so a
-- parent's sync waves no longer wait for its child Applications without it).
-- Value of argocd-cm `resource.customizations.health.argoproj.io_Application`; see manifests/argo_health/__init__.py
-- for the state table and its upstream sources.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only.
-- Every field is read nil- and type-safely: an unknown shape is Progressing.

local KNOWN = {Healthy = true, Progressing = true, Degraded = true, Missing = true}

local function assess(obj)
  local status = field(obj, "status")
  if type(status) ~= "table" then
    return "Progressing", "Waiting for Argo CD to assess the Application"
  end
  local operation = field(status, "operationState")
  local phase = text(field(operation, "phase"))
  if phase == "Failed" or phase == "Error" then
    return "Degraded", "Sync " .. phase .. ": " .. (text(field(operation, "message")) or "no message")
  end
  local raw_health = field(field(status, "health"), "status")
  local health = text(raw_health)
  local sync = text(field(field(status, "sync"), "status")) or "unknown"
  if (health == "Healthy" or health == "Suspended") and (phase == "Running" or sync ~= "Synced") then
    -- Argo CD leaves objects not created yet out of an app's health: a child in the middle of its sync, or not yet
    -- synced to its revision, reads Healthy; its parent's next wave must wait for it
    return "Progressing", health .. " so far, sync " .. (phase or "pending") .. ", sync status " .. sync
  elseif health == "Suspended" then
    -- An app's health is its worst resource's, and Suspended ranks just below Healthy (gitops-engine pkg/health
    -- healthOrder; argo-cd controller/health.go): a synced child is Suspended when a resource is paused or suspended
    -- (a paused Deployment, a suspended Job), which stays so until a person changes it. The parent's wave would wait
    -- for it for good (a wave ends only on Healthy or Degraded), so it counts as Healthy, with a message that says so.
    local message = text(field(status.health, "message"))
    if message ~= nil then
      return "Healthy", "Suspended, counted as Healthy: " .. message
    end
    return "Healthy", "Suspended, counted as Healthy, sync status " .. sync
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
