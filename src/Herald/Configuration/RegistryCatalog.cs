using System.Collections.Generic;
using System.Linq;

namespace Herald.Configuration;

/// <summary>The runtime's view of the event types for <see cref="TelemetryConfigChecker.CheckEvents"/>: an <see cref="EventRegistry"/>.</summary>
internal sealed class RegistryCatalog(EventRegistry registry) : IEventCatalog
{
    public IEnumerable<string> Kinds => registry.All.Select(e => e.EventType);

    public IReadOnlyList<string>? FieldsOf(string kind) => registry.TryGet(kind, out EventDescriptor d) ? d.Fields : null;

    public bool IsRedactable(string kind, string field) => registry.TryGet(kind, out EventDescriptor d) && d.RedactableFields.Contains(field);
}
