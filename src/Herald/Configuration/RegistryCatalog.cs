using System.Collections.Generic;
using System.Linq;

namespace Herald.Configuration;

/// <summary>The runtime's view of the event types for <see cref="TelemetryConfigChecker.CheckEvents"/>: an <see cref="EventRegistry"/>.</summary>
internal sealed class RegistryCatalog(EventRegistry registry) : IEventCatalog
{
    public IEnumerable<string> EventTypes => registry.All.Select(e => e.EventType);

    public IReadOnlyList<string>? FieldsOf(string eventType) => registry.TryGet(eventType, out EventDescriptor d) ? d.Fields : null;

    public string? KindOf(string eventType) => registry.TryGet(eventType, out EventDescriptor d) ? d.Kind : null;

    public bool IsRedactable(string eventType, string field) => registry.TryGet(eventType, out EventDescriptor d) && d.RedactableFields.Contains(field);
}
