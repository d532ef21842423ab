-- Helpers shared by every health check here: manifests/argo_health prepends this file to each script, so the
-- text in argocd-cm stands alone (Argo CD runs each key by itself). Base library only; `string` when present.

local function field(t, key)
  if type(t) ~= "table" then return nil end
  return t[key]
end

local function text(v)
  if type(v) == "string" and v ~= "" then return v end
  return nil
end

local function number(v)
  if type(v) == "number" then return v end
  if type(v) == "string" then return tonumber(v) end
  return nil
end

local function describe(v)
  if type(v) == "string" then return v end
  if v == nil then return "none" end
  return "a " .. type(v)
end

local function with_error(message, err)
  if err ~= nil then return message .. ": " .. err end
  return message
end

-- status.error of the Flink operator's resources is a FlinkResourceException as JSON ({"type":..,"message":..,..};
-- FlinkResourceExceptionUtils) or, for an abandoned snapshot, plain text (FlinkStateSnapshotUtils);
-- "<ExceptionClass>: <message>" when the string library is open, else the raw text.
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
