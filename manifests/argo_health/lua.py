"""Run an Argo CD health check (a Lua 5.1 script) on an object, as Argo CD runs it, with `lupa`.

Argo CD runs a `resource.customizations.health.<group>_<kind>` script with gopher-lua (Lua 5.1), the object as the
global `obj`, and, unless `resource.customizations.useOpenLibs.<group>_<kind>` is set, only the package, base, table
and a safe os library (argo-cd v3.5.1 util/lua/lua.go:75-100, `SkipOpenLibs: !vm.UseOpenLibs`): no string library,
and no string methods (`("x"):find`). The answer is the returned table's `status` and `message`; a script error, or
a status outside gitops-engine's HealthStatusCode, makes the health Unknown (util/lua/lua.go ExecuteHealthLua,
132-167). `LuaHealth(sandboxed=True)` reproduces that environment (the os library aside, which no script here uses);
`sandboxed=False` runs with Lua's standard libraries, as with `useOpenLibs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lupa import lua51

HEALTH_STATUSES = frozenset({"Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"})
"""gitops-engine pkg/health HealthStatusCode (argo-cd v3.5.1 gitops-engine/pkg/health/health.go:12-30)."""

_RUN = """
function(source, obj, sandboxed)
  local chunk = assert(loadstring(source, "=health.lua"))
  local env
  if sandboxed then
    env = {obj = obj, type = type, tostring = tostring, tonumber = tonumber, pairs = pairs, ipairs = ipairs,
           next = next, select = select, error = error, pcall = pcall, assert = assert, unpack = unpack,
           rawget = rawget, rawset = rawset, rawequal = rawequal, setmetatable = setmetatable,
           getmetatable = getmetatable, table = table, _VERSION = _VERSION}
  else
    env = setmetatable({obj = obj}, {__index = _G})
  end
  setfenv(chunk, env)
  return chunk()
end
"""


class HealthScriptError(ValueError):
    """A health script failed or returned no `{status, message}` table: Argo CD would show the health Unknown."""


class LuaHealth:
    """A Lua 5.1 runtime for health scripts: `sandboxed` (default) as Argo CD runs `argocd-cm` scripts, else with
    the standard libraries (`useOpenLibs`)."""

    def __init__(self, *, sandboxed: bool = True) -> None:
        self.sandboxed = sandboxed
        self._runtime = lua51.LuaRuntime(unpack_returned_tuples=True)
        if sandboxed:
            self._runtime.execute('debug.setmetatable("", nil)')  # no ("x"):find either, as without OpenString
        self._run = self._runtime.eval(_RUN)

    def assess(self, script: str, obj: Mapping[str, Any]) -> tuple[str, str]:
        """(status, message) that `script` answers for `obj` (a manifest as a dict, `status` included).

        Raises:
            HealthScriptError: the script raised, returned no table, a status that is not a HealthStatusCode, or a
                message that is not a string (absent: "").
        """
        try:
            result = self._run(script, self._runtime.table_from(dict(obj), recursive=True), self.sandboxed)
        except lua51.LuaError as error:
            raise HealthScriptError(f"the health script failed: {error}") from error
        if not lua51.lua_type(result) == "table":
            raise HealthScriptError(f"the health script returned {result!r}, not a table")
        returned = dict(result.items())
        status, message = returned.get("status"), returned.get("message", "")
        if status not in HEALTH_STATUSES or not isinstance(message, str):
            raise HealthScriptError(f"the health script returned status {status!r}, message {message!r}")
        return str(status), message
