using System;
using Realtime.Core.Pipeline;

namespace Realtime.Core.Control;

/// <summary>
/// The fallback controller: ignores the observation and walks every channel toward its safe value
/// by at most <c>maxStep</c> per frame — a gentle return instead of a jump, for mechanisms that must
/// not be slammed.
/// </summary>
public sealed class ReturnToSafe<TResult> : IController<TResult> where TResult : struct
{
    private readonly ActuatorCommand _safe;
    private readonly float _maxStep;

    /// <summary>Creates the controller for a safe command and a step limit (channel units per frame).</summary>
    public ReturnToSafe(ActuatorCommand safe, double maxStep)
    {
        if (!(maxStep > 0)) throw new ArgumentOutOfRangeException(nameof(maxStep), "must be positive");
        _safe = safe;
        _maxStep = (float)maxStep;
    }

    /// <inheritdoc/>
    public void Update(in TResult observation, in ActuatorCommand applied, ref ActuatorCommand next)
    {
        next = applied;
        next.Count = _safe.Count;
        for (int i = 0; i < _safe.Count; i++)
            next.Values[i] = applied.Values[i] + Math.Clamp(_safe.Values[i] - applied.Values[i], -_maxStep, _maxStep);
    }
}
