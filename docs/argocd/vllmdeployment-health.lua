-- Argo CD health check for vllm-operator.io/VllmDeployment. See docs/argocd.md.
-- Written for Lua 5.1 (gopher-lua, which Argo CD embeds); also runs on Lua 5.4.
local hs = {}

local function condition(conditionType)
  if obj.status ~= nil and obj.status.conditions ~= nil then
    for _, c in ipairs(obj.status.conditions) do
      if c.type == conditionType then
        return c
      end
    end
  end
  return nil
end

-- The message of a condition, or the fallback when it has none.
local function messageOf(conditionType, fallback)
  local c = condition(conditionType)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local status = obj.status
if status == nil or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile"
  return hs
end

-- A status written for an older spec says nothing about the current one.
local generation = obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. tostring(generation)
  return hs
end

-- The pause-rollout annotation holds the rollout whatever the phase is.
local progressing = condition("Progressing")
if progressing ~= nil and progressing.status == "False" and progressing.reason == "Paused" then
  hs.status = "Suspended"
  hs.message = messageOf("Progressing", "Rollout paused (annotation vllm-operator.io/pause-rollout)")
  return hs
end

local phase = status.phase
local ready = status.ready or "?"

if phase == "Ready" then
  hs.status = "Healthy"
  hs.message = messageOf("Available", ready .. " replicas ready")
elseif phase == "Pending" or phase == "Progressing" or phase == "Scaling" then
  hs.status = "Progressing"
  if progressing ~= nil and progressing.reason == "InsufficientGpus" then
    hs.message = "Waiting for GPUs: " .. messageOf("Progressing", messageOf("Degraded", "not enough free GPUs"))
  else
    hs.message = messageOf("Progressing", phase .. ", " .. ready .. " replicas ready")
  end
elseif phase == "ScaledToZero" then
  hs.status = "Suspended"
  hs.message = "Scaled to zero (spec.replicas is 0)"
elseif phase == "RollingBack" then
  -- Degraded, not Progressing: the revision in Git failed and will not be served.
  local from = ""
  if status.rollout ~= nil and status.rollout.failedRevision ~= nil then
    from = " from failed revision " .. status.rollout.failedRevision
    if status.rollout.lastGoodRevision ~= nil then
      from = from .. " to " .. status.rollout.lastGoodRevision
    end
  end
  hs.status = "Degraded"
  hs.message = "Rollback under way" .. from .. ": " .. messageOf("Degraded", "the new revision failed")
elseif phase == "RolledBack" then
  hs.status = "Degraded"
  hs.message = messageOf("RolledBack", messageOf("Degraded", "Rolled back to the last good revision"))
elseif phase == "Degraded" or phase == "Failed" then
  hs.status = "Degraded"
  hs.message = messageOf("Degraded", phase)
else
  hs.status = "Unknown"
  hs.message = "Unknown phase " .. tostring(phase)
end
return hs
