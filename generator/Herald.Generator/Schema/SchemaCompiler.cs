using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Herald.Generator.Json;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>The output of compiling a set of schema files: what to generate and what is wrong.</summary>
/// <param name="Units">What to generate.</param>
/// <param name="Registry">The valid events.</param>
/// <param name="Diagnostics">Errors: each fails its file.</param>
/// <param name="Placeholders">Stand-ins for failed events.</param>
/// <param name="Notices">Informational diagnostics (HER009): the file still generates.</param>
internal sealed record CompileResult(
    EquatableArray<GenerationUnit> Units,
    RegistryModel Registry,
    EquatableArray<SchemaDiagnostic> Diagnostics,
    EquatableArray<Placeholder> Placeholders,
    EquatableArray<SchemaDiagnostic> Notices);

/// <summary>
/// Turns parsed schema documents into generation units. Shared by the generator (which emits the units
/// and ignores diagnostics), the schema analyzer (which reports diagnostics) and the CLI's <c>check</c>.
/// A file with any error produces no unit, and neither does a file that depends on it.
/// This part holds the orchestration; SchemaCompiler.Refs.cs resolves <c>$ref</c>, SchemaCompiler.Types.cs maps schemas to types.
/// </summary>
internal sealed partial class SchemaCompiler
{
    private readonly string _namespace;
    private readonly Dictionary<string, SchemaDocument> _documentsByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileContext> _contexts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeRef?> _resolvedDefs = new(StringComparer.Ordinal);
    /// <summary>Definitions and file roots being compiled: a reference back to one that is not a record is a cycle.</summary>
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly List<SchemaDiagnostic> _diagnostics = new();
    private readonly List<SchemaDiagnostic> _notices = new();

    private SchemaCompiler(string @namespace) => _namespace = @namespace;

    public static CompileResult Compile(IEnumerable<SchemaDocument> documents, string @namespace)
    {
        var compiler = new SchemaCompiler(@namespace);
        return compiler.Run(documents.OrderBy(d => PathUtil.Normalize(d.Path), StringComparer.Ordinal).ToList());
    }

    private CompileResult Run(List<SchemaDocument> documents)
    {
        foreach (SchemaDocument doc in documents) _documentsByPath[PathUtil.Normalize(doc.Path)] = doc;

        foreach (SchemaDocument doc in documents)
        {
            FileContext ctx = ContextFor(doc);
            if (doc.Root is null)
            {
                Report(ctx, DiagnosticIds.InvalidJson, doc.ParseErrorSpan, doc.ParseError ?? "invalid JSON");
                continue;
            }
            if (doc.IsEvent) CompileEvent(ctx);
            else CompileDefsFile(ctx);
        }

        ReportStructCycles();
        ReportDuplicateEventTypes();
        ReportDuplicateTypeNames();
        PropagateFailures();

        // Hint names are unique ignoring case (the compiler writes them to disk as files) and the registry's is reserved;
        // a name already taken gets .2, .3, ... in path order, so the same schema set always gets the same names.
        var hintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Emit.Emitter.RegistryClassName + ".g.cs" };
        var units = ImmutableArray.CreateBuilder<GenerationUnit>();
        var registry = ImmutableArray.CreateBuilder<RegistryEntry>();
        IReadOnlyDictionary<string, ObjectModel> records = GeneratedRecords();
        foreach (FileContext ctx in _contexts.Values.OrderBy(c => c.NormalizedPath, StringComparer.Ordinal))
        {
            if (ctx.Failed || (ctx.Objects.Count == 0 && ctx.Enums.Count == 0)) continue;
            units.Add(new GenerationUnit
            {
                HintName = UniqueHintName(hintNames, ctx.EventRoot?.Name ?? "Defs." + Naming.ToPascalCase(PathUtil.FileName(ctx.Document.Path).Replace(SchemaDocument.DefsSuffix, ""))),
                Namespace = _namespace,
                SourceFile = PathUtil.FileName(ctx.Document.Path),
                Objects = ctx.Objects.ToEquatableArray(),
                Enums = ctx.Enums.ToEquatableArray(),
            });
            if (ctx.EventRoot is { Event: { } info } root)
            {
                registry.Add(new RegistryEntry(
                    root.Name,
                    info,
                    root.Properties.Select(p => p.JsonName).ToEquatableArray(),
                    root.Properties.Where(p => p.Redact).Select(p => p.JsonName).ToEquatableArray(),
                    root.Properties.Where((_, i) => Emit.Emitter.IsRedactable(root, i)).Select(p => p.JsonName).ToEquatableArray(),
                    DoubleFieldPaths.Of(root, records)));
            }
        }

        var generatedTypes = new HashSet<string>(StringComparer.Ordinal) { Emit.Emitter.RegistryClassName };
        foreach (GenerationUnit unit in units) generatedTypes.UnionWith(DeclaredTypes(unit.Objects, unit.Enums).Select(t => t.Name));
        return new CompileResult(
            units.ToImmutable().ToEquatableArrayFast(),
            new RegistryModel(_namespace, registry.ToImmutable().ToEquatableArrayFast()),
            _diagnostics.ToEquatableArray(),
            Placeholders(generatedTypes, hintNames),
            _notices.ToEquatableArray());
    }

    /// <summary>The records of every file that generates, by type name (two types of one name fail their files, ReportDuplicateTypeNames).</summary>
    private Dictionary<string, ObjectModel> GeneratedRecords()
    {
        var records = new Dictionary<string, ObjectModel>(StringComparer.Ordinal);
        foreach (FileContext ctx in _contexts.Values.Where(c => !c.Failed).OrderBy(c => c.NormalizedPath, StringComparer.Ordinal))
        {
            foreach (ObjectModel o in ctx.Objects)
            {
                if (!records.ContainsKey(o.Name)) records[o.Name] = o;
            }
        }
        return records;
    }

    /// <summary><c>{stem}.g.cs</c>, or the first of <c>{stem}.2.g.cs</c>, <c>{stem}.3.g.cs</c>, ... not yet in <paramref name="taken"/> (which ignores case).</summary>
    private static string UniqueHintName(HashSet<string> taken, string stem)
    {
        for (int n = 1; ; n++)
        {
            string candidate = stem + (n == 1 ? "" : "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ".g.cs";
            if (taken.Add(candidate)) return candidate;
        }
    }

    /// <summary>
    /// Every top-level type the emitters declare for a file: its records and enums, each enum's <c>{Enum}Json</c> helper
    /// class and each event's <c>{Event}JsonConverter</c>, with what it is (for messages).
    /// </summary>
    private static IEnumerable<(string Name, string What)> DeclaredTypes(IEnumerable<ObjectModel> objects, IEnumerable<EnumModel> enums)
    {
        foreach (ObjectModel o in objects)
        {
            yield return (o.Name, "");
            if (o.Event is not null) yield return (o.Name + "JsonConverter", $"the JSON converter of the event '{o.Name}'");
        }
        foreach (EnumModel e in enums)
        {
            yield return (e.Name, "");
            yield return (e.Name + "Json", $"the JSON helper class of the enum '{e.Name}'");
        }
    }

    /// <summary>One placeholder per failed event file, unless a valid file (or the registry) declares a type of that name.</summary>
    private EquatableArray<Placeholder> Placeholders(HashSet<string> taken, HashSet<string> hintNames)
    {
        var placeholders = new List<Placeholder>();
        foreach (FileContext ctx in _contexts.Values.Where(c => c.Failed && c.Document.IsEvent).OrderBy(c => c.NormalizedPath, StringComparer.Ordinal))
        {
            string typeName = ctx.Document.Root is JsonObject root
                ? ReadEventHeader(ctx.Document, root).TypeName
                : Naming.ToPascalCase(ctx.Document.FileName.Substring(0, ctx.Document.FileName.Length - SchemaDocument.EventSuffix.Length));
            if (!Naming.IsValidIdentifier(typeName) || !taken.Add(typeName)) continue;
            SchemaDiagnostic? cause = _diagnostics.FirstOrDefault(d => PathUtil.Normalize(d.FilePath) == ctx.NormalizedPath);
            string? dependency = cause is null
                ? ctx.Dependencies.Where(d => _contexts.TryGetValue(d, out FileContext? dep) && dep.Failed).Select(PathUtil.FileName).FirstOrDefault()
                : null;
            placeholders.Add(new Placeholder(_namespace, typeName, UniqueHintName(hintNames, typeName), ctx.Document.FileName, cause, dependency));
        }
        return placeholders.ToEquatableArray();
    }

    private FileContext ContextFor(SchemaDocument doc)
    {
        string key = PathUtil.Normalize(doc.Path);
        if (!_contexts.TryGetValue(key, out FileContext? ctx))
        {
            ctx = new FileContext(doc, key);
            _contexts[key] = ctx;
        }
        return ctx;
    }

    /// <summary>
    /// A .defs.json file: named definitions (<c>$defs</c>, <c>definitions</c>) and, optionally, a root schema of its own
    /// (what a whole-file <c>$ref</c> gives). Everything in it compiles whether or not it is referenced, so its errors show.
    /// </summary>
    private void CompileDefsFile(FileContext ctx)
    {
        if (ctx.Document.Root is not JsonObject root)
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, ctx.Document.Root!.Span, "a .defs.json file must be a JSON object: a schema and/or \"$defs\"", "#");
            return;
        }
        bool hasRootSchema = HasRootSchema(root);
        if (hasRootSchema) ResolveFileRoot(ctx, ctx, root.Span, "#");
        else
        {
            // Without a root schema nothing else checks the root's annotations.
            foreach (JsonMember member in root.Members)
            {
                if (Annotations.ShapeError(member) is { } shape) Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, shape, "#/" + member.Name);
            }
        }
        foreach (var (keyword, def) in Definitions(ctx, root)) ResolveDef(ctx, ctx, keyword, def.Name, def.NameSpan, "#/" + keyword + "/" + def.Name);
        if (!hasRootSchema && Keywords.DefinitionKeywords.All(k => root.Find(k) is null))
            Report(ctx, DiagnosticIds.InvalidKeywordValue, root.Span, "a .defs.json file needs a root schema or a \"$defs\" (or \"definitions\") object", "#");
    }

    /// <summary>Event type, C# type name and struct flag of an event schema, without compiling it.</summary>
    private (string EventType, string TypeName, bool IsStruct) ReadEventHeader(SchemaDocument doc, JsonObject root)
    {
        string fileName = doc.FileName;
        string eventType = root.Find("x-event")?.Value is JsonString s ? s.Value : fileName.Substring(0, fileName.Length - SchemaDocument.EventSuffix.Length);
        string typeName = root.Find("x-csharp-name")?.Value is JsonString n ? n.Value : Naming.ToPascalCase(eventType);
        bool isStruct = root.Find("x-struct")?.Value is JsonBool { Value: true };
        return (eventType, typeName, isStruct);
    }

    private void ReportDuplicateEventTypes()
    {
        var firstByType = new Dictionary<string, FileContext>(StringComparer.Ordinal);
        foreach (FileContext ctx in _contexts.Values.OrderBy(c => c.NormalizedPath, StringComparer.Ordinal))
        {
            if (ctx.EventRoot?.Event is not { } info) continue;
            if (firstByType.TryGetValue(info.EventType, out FileContext? first))
            {
                SourceSpan at = ((JsonObject)ctx.Document.Root!).Find("x-event")?.Value.Span ?? ctx.Document.Root!.Span;
                Report(ctx, DiagnosticIds.DuplicateEventType, at, info.EventType, first.Document.FileName);
            }
            else
            {
                firstByType[info.EventType] = ctx;
            }
        }
    }

    /// <summary>
    /// Every top-level type the generator declares (records, enums, their helper classes, the registry) lives in one
    /// namespace, so two of one name would not compile. A helper's name (<c>{Enum}Json</c>, <c>{Event}JsonConverter</c>,
    /// <c>HeraldEvents</c>) is taken whatever the path order, so the file whose record or enum would take it is the one
    /// reported; between two records or enums, the later file in path order is. Each is HER007 naming both sources.
    /// </summary>
    private void ReportDuplicateTypeNames()
    {
        // A file that already failed generates nothing, so it cannot clash; it has its own diagnostic.
        var valid = _contexts.Values.Where(c => !c.Failed).OrderBy(c => c.NormalizedPath, StringComparer.Ordinal).ToList();
        var helpers = new Dictionary<string, (FileContext? File, string What)>(StringComparer.Ordinal)
        {
            [Emit.Emitter.RegistryClassName] = (null, "the registry class"),
        };
        foreach (FileContext ctx in valid)
        {
            // Two helpers of one name come from two types of one name, which is reported below.
            foreach (var (name, what) in DeclaredTypes(ctx.Objects, ctx.Enums).Where(t => t.What.Length > 0))
                if (!helpers.ContainsKey(name)) helpers[name] = (ctx, what);
        }

        var owners = new Dictionary<string, FileContext>(StringComparer.Ordinal);
        foreach (FileContext ctx in valid)
        {
            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, _) in DeclaredTypes(ctx.Objects, ctx.Enums).Where(t => t.What.Length == 0))
            {
                if (helpers.TryGetValue(name, out var helper))
                {
                    string reason = helper.File is null ? $"it is the name of {helper.What} the generator declares for every project; rename this type with x-csharp-name"
                        : helper.File == ctx ? $"it is also the name of {helper.What}, generated for this file; rename one with x-csharp-name"
                        : $"it is also the name of {helper.What}, generated for '{helper.File.Document.FileName}'; rename one with x-csharp-name";
                    Report(ctx, DiagnosticIds.InvalidName, ctx.Document.Root!.Span, name, reason);
                }
                else if (owners.TryGetValue(name, out FileContext? first) && first != ctx)
                {
                    Report(ctx, DiagnosticIds.InvalidName, ctx.Document.Root!.Span, name, $"the generated type name is also generated for '{first.Document.FileName}'; rename one with x-csharp-name");
                }
                else if (!own.Add(name))
                {
                    // e.g. a definition 'transport' next to the root schema of transport.defs.json
                    Report(ctx, DiagnosticIds.InvalidName, ctx.Document.Root!.Span, name, "two schemas in this file generate a type of this name; rename one with x-csharp-name");
                }
                else
                {
                    owners[name] = ctx;
                }
            }
        }
    }

    /// <summary>
    /// An x-struct event holds the struct events its fields refer to by value (a nullable field too: <c>Nullable&lt;T&gt;</c>
    /// contains a <c>T</c>), so a chain of such fields back to the first struct is a struct that contains itself. Arrays,
    /// maps and records hold references and end the chain. Each field on such a cycle is HER003 at its <c>$ref</c>.
    /// A struct referring to itself in its own file is caught where the reference resolves.
    /// </summary>
    private void ReportStructCycles()
    {
        var structs = _contexts.Values.Where(c => c.EventRoot is { IsStruct: true }).OrderBy(c => c.NormalizedPath, StringComparer.Ordinal).ToList();
        if (structs.Count == 0) return;
        IEnumerable<(PropertyModel Field, FileContext Target)> Edges(FileContext from)
            => from.EventRoot!.Properties
                .Where(p => p.Type is { Kind: ValueKind.Object, IsValueType: true })
                .SelectMany(p => structs.Where(s => s.EventRoot!.Name == p.Type.TypeName).Select(s => (p, s)));

        foreach (FileContext ctx in structs)
        {
            foreach (var (field, target) in Edges(ctx).ToList())
            {
                // The shortest way back from the target to this struct, if any.
                var previous = new Dictionary<FileContext, FileContext> { [target] = target };
                var queue = new Queue<FileContext>();
                queue.Enqueue(target);
                while (queue.Count > 0 && !previous.ContainsKey(ctx))
                {
                    FileContext at = queue.Dequeue();
                    foreach (var (_, next) in Edges(at))
                    {
                        if (previous.ContainsKey(next)) continue;
                        previous[next] = at;
                        queue.Enqueue(next);
                    }
                }
                if (!previous.ContainsKey(ctx)) continue;

                // ctx -> target -> ... -> ctx, from the way back walked backwards.
                var back = new List<string>();
                for (FileContext at = ctx; ; at = previous[at])
                {
                    back.Add(at.EventRoot!.Name);
                    if (at == target) break;
                }
                back.Reverse();
                var chain = new List<string> { ctx.EventRoot!.Name };
                chain.AddRange(back);
                var fieldSchema = (((JsonObject)ctx.Document.Root!).Find("properties")?.Value as JsonObject)?.Find(field.JsonName);
                JsonMember? reference = (fieldSchema?.Value as JsonObject)?.Find("$ref");
                SourceSpan span = reference?.Value.Span ?? fieldSchema?.NameSpan ?? ctx.Document.Root!.Span;
                string value = (reference?.Value as JsonString)?.Value ?? field.JsonName;
                Report(ctx, DiagnosticIds.UnresolvedRef, span, value,
                    $"the x-struct events {string.Join(" -> ", chain)} would contain each other (a struct cannot contain itself, even as a nullable field); make one of them a record or hold it in an array");
            }
        }
    }

    /// <summary>A file that depends on a failed file cannot compile either: fail it too, to a fixed point.</summary>
    private void PropagateFailures()
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (FileContext ctx in _contexts.Values)
            {
                if (ctx.Failed) continue;
                if (ctx.Dependencies.Any(d => _contexts.TryGetValue(d, out FileContext? dep) && dep.Failed))
                {
                    ctx.Failed = true;
                    changed = true;
                }
            }
        }
    }

    private void Report(FileContext ctx, string id, SourceSpan span, params string[] args)
    {
        ctx.Failed = true;
        _diagnostics.Add(new SchemaDiagnostic(id, ctx.Document.Path, span, args.ToEquatableArray()));
    }

    /// <summary>An informational diagnostic: reported, but the file still generates.</summary>
    private void Notice(FileContext ctx, string id, SourceSpan span, params string[] args)
        => _notices.Add(new SchemaDiagnostic(id, ctx.Document.Path, span, args.ToEquatableArray()));

    /// <summary>Mutable state while one file compiles; never leaves this class.</summary>
    private sealed class FileContext
    {
        public FileContext(SchemaDocument document, string normalizedPath)
        {
            Document = document;
            NormalizedPath = normalizedPath;
        }

        public SchemaDocument Document { get; }
        public string NormalizedPath { get; }
        public List<ObjectModel> Objects { get; } = new();
        public List<EnumModel> Enums { get; } = new();
        public HashSet<string> Dependencies { get; } = new(StringComparer.Ordinal);
        public ObjectModel? EventRoot { get; set; }
        public bool Failed { get; set; }
    }
}
