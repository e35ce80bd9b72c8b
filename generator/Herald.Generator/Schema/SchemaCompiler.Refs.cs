using System;
using System.Collections.Generic;
using System.Linq;
using Herald.Generator.Json;
using Herald.Generator.Model;

namespace Herald.Generator.Schema;

/// <summary>
/// <c>$ref</c> resolution: a whole file (<c>x.schema.json</c>, <c>x.defs.json</c>, <c>#</c> or <c>""</c> for this file)
/// or a named definition (<c>#/$defs/name</c>, <c>#/definitions/name</c>, in this file or another), relative to
/// the referring file. Each definition and file root compiles once, into the file that declares it.
/// </summary>
internal sealed partial class SchemaCompiler
{
    private TypeRef? ResolveRef(FileContext ctx, JsonString reference)
    {
        string value = reference.Value;
        int hash = value.IndexOf('#');
        string filePart = hash < 0 ? value : value.Substring(0, hash);
        // A fragment is URI-encoded (%20); "#" alone or none at all means the whole file.
        string fragment = hash < 0 ? "" : Uri.UnescapeDataString(value.Substring(hash + 1));
        if (filePart.IndexOf("://", StringComparison.Ordinal) >= 0 || filePart.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            Report(ctx, DiagnosticIds.UnresolvedRef, reference.Span, value, "references by URI are not supported; use a path relative to this file");
            return null;
        }
        string targetPath = filePart.Length == 0 ? ctx.NormalizedPath : PathUtil.Combine(PathUtil.Directory(ctx.NormalizedPath), filePart);

        if (!_documentsByPath.TryGetValue(targetPath, out SchemaDocument? target))
        {
            Report(ctx, DiagnosticIds.UnresolvedRef, reference.Span, value, $"no schema file '{filePart}' is part of the compilation (add it as an AdditionalFile)");
            return null;
        }
        if (targetPath != ctx.NormalizedPath) ctx.Dependencies.Add(targetPath);
        // The target's own diagnostic says why it is unusable; this file fails through the dependency.
        if (target.Root is not JsonObject targetRoot) return null;

        if (fragment.Length == 0)
        {
            if (!target.IsEvent) return ResolveFileRoot(ctx, ContextFor(target), reference.Span, value);
            var (_, typeName, isStruct) = ReadEventHeader(target, targetRoot);
            if (isStruct && targetPath == ctx.NormalizedPath)
            {
                Report(ctx, DiagnosticIds.UnresolvedRef, reference.Span, value, "it refers to this x-struct event itself, and a struct cannot contain itself");
                return null;
            }
            return new TypeRef(ValueKind.Object, TypeName: typeName, IsValueType: isStruct);
        }

        string[] segments = fragment.Split('/');
        if (segments.Length != 3 || segments[0].Length != 0 || Array.IndexOf(Keywords.DefinitionKeywords, segments[1]) < 0)
        {
            Report(ctx, DiagnosticIds.UnresolvedRef, reference.Span, value, "only '#', '#/$defs/<name>' and '#/definitions/<name>' fragments are supported");
            return null;
        }
        string keyword = segments[1];
        string defName = segments[2].Replace("~1", "/").Replace("~0", "~");
        if (targetRoot.Find(keyword)?.Value is not JsonObject definitions || definitions.Find(defName) is null)
        {
            Report(ctx, DiagnosticIds.UnresolvedRef, reference.Span, value, $"'{PathUtil.FileName(targetPath)}' has no {keyword} entry '{defName}'");
            return null;
        }
        return ResolveDef(ctx, ContextFor(target), keyword, defName, reference.Span, value);
    }

    /// <summary>Compiles a definition once, into the file that declares it; recursion through a record resolves to its name.</summary>
    private TypeRef? ResolveDef(FileContext referrer, FileContext owner, string keyword, string defName, SourceSpan usedAt, string reference)
    {
        string pointer = "#/" + keyword + "/" + EscapePointer(defName);
        string key = owner.NormalizedPath + pointer;
        if (_resolvedDefs.TryGetValue(key, out TypeRef? known)) return known;
        if (!_inProgress.Add(key)) return ReportCycle(referrer, usedAt, reference);

        var definitions = (JsonObject)((JsonObject)owner.Document.Root!).Find(keyword)!.Value;
        JsonMember def = definitions.Find(defName)!;
        TypeRef? type = null;
        if (def.Value is JsonObject defSchema)
        {
            string prefix = owner.Document.IsEvent ? ReadEventHeader(owner.Document, (JsonObject)owner.Document.Root!).TypeName : "";
            string? explicitName = ExplicitCSharpName(owner, defSchema, pointer);
            if (explicitName is null && Naming.ToPascalCase(defName).Length == 0 && defSchema.Find("x-csharp-name") is null)
            {
                // "" or "-" would name the type like the event itself (or nothing at all, in a .defs.json file).
                Report(owner, DiagnosticIds.InvalidName, def.NameSpan, defName, "the definition's name has no letters or digits; set x-csharp-name on it");
            }
            else
            {
                string typeName = explicitName ?? prefix + Naming.ToPascalCase(defName);
                if (IsRecordSchema(defSchema)) _resolvedDefs[key] = new TypeRef(ValueKind.Object, TypeName: typeName);
                type = CompileType(owner, defSchema, pointer, typeName, depth: 0);
            }
        }
        else
        {
            Report(owner, DiagnosticIds.InvalidKeywordValue, def.Value.Span, $"a {keyword} entry must be a schema object", pointer);
        }
        _inProgress.Remove(key);
        _resolvedDefs[key] = type;
        return type;
    }

    /// <summary>
    /// The root schema of a .defs.json file, compiled once. Its type is named by its <c>x-csharp-name</c>, else by the
    /// file name (<c>transport.defs.json</c> → <c>Transport</c>).
    /// </summary>
    private TypeRef? ResolveFileRoot(FileContext referrer, FileContext owner, SourceSpan usedAt, string reference)
    {
        string key = owner.NormalizedPath + "#";
        if (_resolvedDefs.TryGetValue(key, out TypeRef? known)) return known;
        var root = (JsonObject)owner.Document.Root!;
        if (!HasRootSchema(root))
        {
            string file = owner.Document.FileName;
            Report(referrer, DiagnosticIds.UnresolvedRef, usedAt, reference, $"'{file}' has no root schema, only definitions; reference one of them as '{file}#/$defs/<name>'");
            return null;
        }
        if (!_inProgress.Add(key)) return ReportCycle(referrer, usedAt, reference);

        string fileType = Naming.ToPascalCase(owner.Document.FileName.Substring(0, owner.Document.FileName.Length - SchemaDocument.DefsSuffix.Length));
        string? typeName = ExplicitCSharpName(owner, root, "#");
        if (typeName is null && !Naming.IsValidIdentifier(fileType))
            Report(owner, DiagnosticIds.InvalidName, root.Span, fileType, $"the file name of '{owner.Document.FileName}' does not map to a C# identifier; set x-csharp-name on its root");
        typeName ??= fileType;
        if (IsRecordSchema(root)) _resolvedDefs[key] = new TypeRef(ValueKind.Object, TypeName: typeName);
        TypeRef? type = CompileType(owner, root, "#", typeName, depth: 0);
        _inProgress.Remove(key);
        _resolvedDefs[key] = type;
        return type;
    }

    private TypeRef? ReportCycle(FileContext referrer, SourceSpan usedAt, string reference)
        => ReportNull(referrer, DiagnosticIds.UnresolvedRef, usedAt, reference, "it refers back to itself without passing through an object with properties, so the type would contain itself");

    /// <summary>
    /// The named definitions of a file's root, from <c>$defs</c> and <c>definitions</c> in the order they appear.
    /// A container that is not an object, or a name declared in both, is reported.
    /// </summary>
    private IEnumerable<(string Keyword, JsonMember Definition)> Definitions(FileContext ctx, JsonObject root)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<(string, JsonMember)>();
        foreach (JsonMember container in root.Members.Where(m => Array.IndexOf(Keywords.DefinitionKeywords, m.Name) >= 0))
        {
            if (container.Value is not JsonObject definitions)
            {
                Report(ctx, DiagnosticIds.InvalidKeywordValue, container.Value.Span, $"'{container.Name}' must be an object of named schemas", "#/" + container.Name);
                continue;
            }
            foreach (JsonMember def in definitions.Members)
            {
                if (seen.TryGetValue(def.Name, out string? other))
                {
                    Report(ctx, DiagnosticIds.InvalidKeywordValue, def.NameSpan, $"'{def.Name}' is defined in both {other} and {container.Name}", "#/" + container.Name + "/" + EscapePointer(def.Name));
                    continue;
                }
                seen[def.Name] = container.Name;
                result.Add((container.Name, def));
            }
        }
        return result;
    }

    /// <summary>Whether a .defs.json root is a schema itself: it has something besides definitions and annotations.</summary>
    private static bool HasRootSchema(JsonObject root)
        => root.Members.Any(m => Array.IndexOf(Keywords.DefinitionKeywords, m.Name) < 0 && !Keywords.Annotations.Contains(m.Name));

    /// <summary>A schema that becomes a generated record, so a reference back to it while it compiles can use its name.</summary>
    private static bool IsRecordSchema(JsonObject schema)
        => schema.Find("properties") is not null && schema.Find("$ref") is null && schema.Find("enum") is null
           && schema.Find("type")?.Value switch
           {
               null => true,
               JsonString type => type.Value == "object",
               JsonArray types => types.Items.All(t => t is JsonString { Value: "object" or "null" }) && types.Items.Any(t => t is JsonString { Value: "object" }),
               _ => false,
           };
}
