using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>The per-project registry: every event type with its metadata and a reader by UTF-8 type name.</summary>
internal static partial class Emitter
{
    public const string RegistryClassName = "HeraldEvents";

    public static string EmitRegistry(RegistryModel registry, bool register = true)
    {
        var w = new SourceWriter();
        WriteHeader(w, registry.Namespace, "all schemas of this project");
        w.Line("/// <summary>Every event type generated from this project's schemas.</summary>");
        w.Line($"[{GeneratedCode}(\"{GeneratorName}\", \"{GeneratorVersion}\")]");
        w.Open($"public static partial class {RegistryClassName}");
        w.Line("/// <summary>The registry: look events up by type name (UTF-16 or UTF-8) and read payloads without knowing their type statically.</summary>");
        w.Line($"public static {EventRegistry} Registry {{ get; }} = new {EventRegistry}(new {EventDescriptor}[]");
        w.Line("{");
        using (w.Indent())
        {
            foreach (RegistryEntry e in registry.Events)
            {
                string fields = "new string[] { " + string.Join(", ", e.Fields.Select(CSharpString)) + " }";
                string redacted = "new string[] { " + string.Join(", ", e.RedactedFields.Select(CSharpString)) + " }";
                string redactable = "new string[] { " + string.Join(", ", e.RedactableFields.Select(CSharpString)) + " }";
                string priority = e.Event.Priority is null ? "null" : CSharpString(e.Event.Priority);
                string source = e.Event.Source is null ? "null" : CSharpString(e.Event.Source);
                string kind = e.Event.Kind is null ? "" : ", kind: " + CSharpString(e.Event.Kind);
                // Most events have no doubles: the argument is left out rather than written empty.
                string doubles = e.DoubleFields.Count == 0 ? "" : ", doubleFields: new string[] { " + string.Join(", ", e.DoubleFields.Select(CSharpString)) + " }";
                w.Line($"{EventDescriptor}.Create<{e.TypeName}>(priority: {priority}, source: {source}, fields: {fields}, redactedFields: {redacted}, redactableFields: {redactable}{kind}{doubles}),");
            }
        }
        w.Line("});");
        if (!register)
        {
            w.Close(); // HeraldRegisterEvents=false: the registry is used explicitly, never found by EventRegistry.Registered
            return w.ToString();
        }
        w.Line();
        // Registering from a module initializer lets the runtime find the events without being told
        // (EventRegistry.Registered); an explicit registry in the options still wins.
        w.Line("/// <summary>Adds <see cref=\"Registry\"/> to <c>global::Herald.EventRegistry.Registered</c> when this assembly loads.</summary>");
        w.Line("#pragma warning disable CA2255 // a module initializer is how a generated library registers its events");
        w.Line("[global::System.Runtime.CompilerServices.ModuleInitializerAttribute]");
        w.Line($"internal static void RegisterEvents() => {EventRegistry}.Register(Registry);");
        w.Line("#pragma warning restore CA2255");
        w.Close();
        return w.ToString();
    }
}
