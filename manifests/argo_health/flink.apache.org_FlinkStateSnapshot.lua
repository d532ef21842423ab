-- Argo CD health of a FlinkStateSnapshot (Flink Kubernetes Operator 1.14.0): a savepoint or checkpoint request.
-- Value of argocd-cm `resource.customizations.health.flink.apache.org_FlinkStateSnapshot`; see
-- manifests/argo_health/__init__.py for the state table and its upstream sources.
-- Runs without the Lua standard libraries (Argo CD's default for argocd-cm scripts): base and table only;
-- `string` is used only when present. Every field is read nil- and type-safely: an unknown shape is Progressing.

local function field(t, key)
  if type(t) ~= "table" then return nil end
  return t[key]
end

local function text(v)
  if type(v) == "string" and v ~= "" then return v end
  return nil
end

local function describe(v)
  if type(v) == "string" then return v end
  if v == nil then return "none" end
  return "a " .. type(v)
end

-- status.error is a FlinkResourceException as JSON ({"type":..,"message":..,..}) or, for an abandoned snapshot, plain
-- text (FlinkStateSnapshotUtils); "<ExceptionClass>: <message>" when the string library is open, else the raw text.
local function error_message(raw)
  local err = text(raw)
  if err == nil or type(string) ~= "table" or type(string.match) ~= "function" then return err end
  local message = string.match(err, '"message"%s*:%s*"(.-)"%s*[,}]')
  if message == nil then
    if #err > 1000 then return string.sub(err, 1, 1000) .. "..." end
    return err
  end
  message = string.gsub(string.gsub(message, '\\n', ' '), '\\(.)', '%1')
  local class = string.match(err, '"type"%s*:%s*"[^"]-([^".]+)"')
  if class ~= nil then message = class .. ": " .. message end
  if #message > 1000 then message = string.sub(message, 1, 1000) .. "..." end
  return message
end

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
