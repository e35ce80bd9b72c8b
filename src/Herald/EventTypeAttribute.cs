using System;

namespace Herald;

/// <summary>
/// Marks a string parameter, property or field whose value must name an event type that a schema defines
/// (<c>loop.tick</c>). The HER101 analyzer checks every constant given to it at build time and suggests the closest
/// known type; use the generated constants (<c>LoopTick.EventType</c>) to be safe from typos altogether.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field, AllowMultiple = false, Inherited = true)]
public sealed class EventTypeAttribute : Attribute
{
}
