using System;

namespace Herald;

/// <summary>
/// Declares that a type is a telemetry sink. The HER103 analyzer then requires it to implement
/// <see cref="ITelemetrySink"/> and to offer no stringly-typed emit (an event name plus a dictionary or object payload).
/// Types named <c>*TelemetrySink</c> are held to the same rule without the attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class TelemetrySinkAttribute : Attribute
{
}
