using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Herald.Generator.Json;
using Herald.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Herald.Generator.Schema;

/// <summary>Schema objects to C# types: events, nested records, enums, arrays, maps and scalars.</summary>
internal sealed partial class SchemaCompiler
{
    private void CompileEvent(FileContext ctx)
    {
        if (ctx.Document.Root is not JsonObject root)
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, ctx.Document.Root!.Span, "an event schema must be a JSON object", "#");
            return;
        }
        CheckKeywords(ctx, root, "#", isRoot: true);
        var (eventType, typeName, isStruct) = ReadEventHeader(ctx.Document, root);

        string? version = RootString(ctx, root, "x-version");
        // Closed-set extension values are matched in any case and generated in their canonical lower case.
        string? priority = RootString(ctx, root, "x-priority")?.ToLowerInvariant();
        string? source = RootString(ctx, root, "x-source");
        string? kind = RootString(ctx, root, "x-kind");
        if (kind is not null && (kind.Length == 0 || kind.Any(char.IsWhiteSpace)))
            Report(ctx, DiagnosticIds.InvalidKeywordValue, root.Find("x-kind")!.Value.Span, $"'x-kind' must be a non-empty name without whitespace, not '{kind}'", "#/x-kind");
        RootString(ctx, root, "x-event");
        if (root.Find("x-struct") is { Value: not JsonBool } badStruct)
            Report(ctx, DiagnosticIds.InvalidKeywordValue, badStruct.Value.Span, "'x-struct' must be true or false", "#/x-struct");
        if (priority is not null && !Keywords.Priorities.Contains(priority))
            Report(ctx, DiagnosticIds.InvalidKeywordValue, root.Find("x-priority")!.Value.Span, "'x-priority' must be one of low, medium, high, critical (in any case)", "#/x-priority");
        if (eventType.Length == 0 || eventType.Any(char.IsWhiteSpace))
            Report(ctx, DiagnosticIds.InvalidKeywordValue, (root.Find("x-event")?.Value ?? root).Span, $"event type '{eventType}' must be non-empty and contain no whitespace", "#/x-event");
        if (ExplicitCSharpName(ctx, root, "#") is null && !Naming.IsValidIdentifier(typeName))
            Report(ctx, DiagnosticIds.InvalidName, root.Span, typeName, $"event type '{eventType}' does not map to a C# identifier; set x-csharp-name");

        if (root.Find("type")?.Value is JsonString { Value: not "object" } notObject)
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, notObject.Span, "an event schema's root must have type \"object\"", "#/type");
            return;
        }
        foreach (var (keyword, def) in Definitions(ctx, root)) ResolveDef(ctx, ctx, keyword, def.Name, def.NameSpan, "#/" + keyword + "/" + def.Name);

        var info = new EventInfo(eventType, version ?? "1.0", priority, source, kind);
        ObjectModel model = CompileObject(ctx, root, "#", typeName, depth: 0, info, isStruct);
        ctx.EventRoot = model;

        // A root alias may name a root property (or its alias) of the same kind: the nested field then takes
        // that property's value. Any other clash would make one JSON name mean two things.
        foreach (ObjectModel nested in ctx.Objects)
        {
            foreach (PropertyModel child in nested.Properties)
            {
                foreach (string alias in child.RootAliases)
                {
                    PropertyModel? rootProperty = model.Properties.FirstOrDefault(p => p.JsonName == alias || p.Aliases.Contains(alias));
                    if (rootProperty is not null && rootProperty.Type.Kind != child.Type.Kind)
                        Report(ctx, DiagnosticIds.DuplicateMemberName, root.Span, alias, child.CSharpName, $"the root property '{rootProperty.JsonName}' reads '{alias}' as another type");
                }
            }
        }
    }

    private string? RootString(FileContext ctx, JsonObject root, string keyword)
    {
        JsonMember? member = root.Find(keyword);
        if (member is null) return null;
        if (member.Value is JsonString s) return s.Value;
        Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, $"'{keyword}' must be a string", "#/" + keyword);
        return null;
    }

    private void CheckKeywords(FileContext ctx, JsonObject schema, string pointer, bool isRoot)
    {
        bool hasRef = schema.Find("$ref") is not null;
        foreach (JsonMember member in schema.Members)
        {
            string name = member.Name;
            string at = pointer + "/" + EscapePointer(name);
            if (Annotations.ShapeError(member) is { } shape)
                Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, shape, at);
            else if (hasRef && !Keywords.RefSiblings.Contains(name))
                Report(ctx, DiagnosticIds.UnsupportedKeyword, member.NameSpan, name, at, " next to $ref (the referenced schema defines the type)");
            else if (Keywords.RootExtensions.Contains(name) && !isRoot)
                Report(ctx, DiagnosticIds.UnsupportedKeyword, member.NameSpan, name, at, " here (it is only allowed at the root of an event schema)");
            else if (!Keywords.Annotations.Contains(name) && !Keywords.Validation.Contains(name) && !Keywords.Extensions.Contains(name) && !Keywords.RootExtensions.Contains(name))
                Report(ctx, DiagnosticIds.UnsupportedKeyword, member.NameSpan, name, at, "");
        }
    }

    private string? ExplicitCSharpName(FileContext ctx, JsonObject schema, string pointer)
    {
        JsonMember? member = schema.Find("x-csharp-name");
        if (member is null) return null;
        if (member.Value is JsonString s && Naming.IsValidIdentifier(s.Value)) return s.Value;
        Report(ctx, DiagnosticIds.InvalidName, member.Value.Span, member.Value is JsonString str ? str.Value : member.Value.Kind, "x-csharp-name must be a valid C# identifier that is not a keyword");
        return null;
    }

    /// <summary>Maps one schema to a C# type, registering the records and enums it needs in <paramref name="ctx"/>.</summary>
    private TypeRef? CompileType(FileContext ctx, JsonObject schema, string pointer, string typeName, int depth)
    {
        CheckKeywords(ctx, schema, pointer, isRoot: false);
        if (schema.Find("$ref") is { } refMember)
        {
            if (refMember.Value is JsonString reference) return ResolveRef(ctx, reference);
            Report(ctx, DiagnosticIds.InvalidKeywordValue, refMember.Value.Span, "'$ref' must be a string", pointer + "/$ref");
            return null;
        }

        if (!TryReadType(ctx, schema, pointer, out string? kind, out bool allowsNull)) return null;

        if (schema.Find("enum") is { } enumMember)
        {
            if (kind is not (null or "string"))
            {
                Report(ctx, DiagnosticIds.UnsupportedKeyword, enumMember.NameSpan, "enum", pointer + "/enum", $" on type '{kind}' (only string enums are supported)");
                return null;
            }
            TypeRef? enumType = CompileEnum(ctx, enumMember, pointer, typeName, schema);
            return enumType is null ? null : enumType.WithNull(allowsNull) with { Constraints = ReadConstraints(ctx, schema, pointer, enumType) };
        }

        kind ??= schema.Find("const")?.Value switch
        {
            JsonString => "string",
            JsonNumber n => n.IsInteger ? "integer" : "number",
            JsonBool => "boolean",
            _ => schema.Find("properties") is not null ? "object" : schema.Find("items") is not null ? "array" : null,
        };

        TypeRef? type = kind switch
        {
            "object" => CompileObjectType(ctx, schema, pointer, typeName, depth),
            "array" => CompileArray(ctx, schema, pointer, typeName, depth),
            "string" => FormatType(ctx, schema, pointer, kind, ValueKind.String, ("date-time", ValueKind.DateTimeOffset), ("uuid", ValueKind.Guid)),
            "integer" => FormatType(ctx, schema, pointer, kind, ValueKind.Int64, ("int32", ValueKind.Int32), ("int64", ValueKind.Int64)),
            "number" => FormatType(ctx, schema, pointer, kind, ValueKind.Double, ("float", ValueKind.Single), ("double", ValueKind.Double)),
            "boolean" => new TypeRef(ValueKind.Boolean),
            _ => new TypeRef(ValueKind.Json),
        };
        return type is null ? null : type.WithNull(allowsNull) with { Constraints = ReadConstraints(ctx, schema, pointer, type) };
    }

    private bool TryReadType(FileContext ctx, JsonObject schema, string pointer, out string? kind, out bool allowsNull)
    {
        kind = null;
        allowsNull = false;
        JsonMember? member = schema.Find("type");
        if (member is null) return true;
        var names = new List<string>();
        if (member.Value is JsonString single) names.Add(single.Value);
        else if (member.Value is JsonArray array && array.Items.All(i => i is JsonString)) names.AddRange(array.Items.Select(i => ((JsonString)i).Value));
        else
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, "'type' must be a type name or an array of type names", pointer + "/type");
            return false;
        }
        allowsNull = names.Remove("null");
        string[] known = { "object", "array", "string", "integer", "number", "boolean" };
        string? unknown = names.FirstOrDefault(n => Array.IndexOf(known, n) < 0);
        if (unknown is not null)
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, $"unknown type '{unknown}'", pointer + "/type");
            return false;
        }
        if (names.Count != 1)
        {
            Report(ctx, DiagnosticIds.UnsupportedKeyword, member.NameSpan, "type", pointer + "/type", names.Count == 0 ? " (a type of only null)" : " (a union of several non-null types; only a union with null is supported)");
            return false;
        }
        kind = names[0];
        return true;
    }

    private TypeRef? FormatType(FileContext ctx, JsonObject schema, string pointer, string kind, ValueKind plain, params (string Format, ValueKind Kind)[] formats)
    {
        if (schema.Find("format") is not { } member) return new TypeRef(plain);
        if (member.Value is JsonString format)
        {
            foreach (var (name, mapped) in formats)
            {
                if (name == format.Value) return new TypeRef(mapped);
            }
            if (Keywords.Formats.Contains(format.Value))
                Report(ctx, DiagnosticIds.InvalidKeywordValue, format.Span, $"format '{format.Value}' does not apply to type '{kind}'", pointer + "/format");
            else
                Report(ctx, DiagnosticIds.UnsupportedKeyword, member.NameSpan, "format", pointer + "/format", $" with value '{format.Value}' (supported: {string.Join(", ", Keywords.Formats)})");
            return null;
        }
        Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, "'format' must be a string", pointer + "/format");
        return null;
    }

    private TypeRef? CompileEnum(FileContext ctx, JsonMember enumMember, string pointer, string typeName, JsonObject schema)
    {
        if (enumMember.Value is not JsonArray values || values.Items.Count == 0 || !values.Items.All(v => v is JsonString))
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, enumMember.Value.Span, "'enum' must be a non-empty array of strings", pointer + "/enum");
            return null;
        }
        var members = new List<EnumMemberModel>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonString value in values.Items.Cast<JsonString>())
        {
            string name = Naming.ToPascalCase(value.Value);
            if (name.Length == 0)
            {
                Report(ctx, DiagnosticIds.InvalidName, value.Span, value.Value, "this enum value does not map to a C# identifier");
                return null;
            }
            if (seen.TryGetValue(name, out string? other))
            {
                Report(ctx, DiagnosticIds.DuplicateMemberName, value.Span, value.Value, name, $"'{other}' maps to it already");
                return null;
            }
            seen[name] = value.Value;
            members.Add(new EnumMemberModel(value.Value, name));
        }
        ctx.Enums.Add(new EnumModel(typeName, Annotations.Documentation(schema), members.ToEquatableArray()));
        return new TypeRef(ValueKind.Enum, TypeName: typeName);
    }

    private TypeRef? CompileArray(FileContext ctx, JsonObject schema, string pointer, string typeName, int depth)
    {
        TypeRef? element = schema.Find("items")?.Value switch
        {
            null or JsonBool { Value: true } => new TypeRef(ValueKind.Json),
            JsonObject items => CompileType(ctx, items, pointer + "/items", typeName + "Item", depth + 1),
            JsonNode other => ReportNull(ctx, DiagnosticIds.InvalidKeywordValue, other.Span, "'items' must be a schema object", pointer + "/items"),
        };
        return element is null ? null : new TypeRef(ValueKind.Array, Element: element);
    }

    private TypeRef? CompileObjectType(FileContext ctx, JsonObject schema, string pointer, string typeName, int depth)
    {
        JsonMember? additional = schema.Find("additionalProperties");
        if (schema.Find("properties") is null && additional?.Value is JsonObject { Members.Count: > 0 } valueSchema)
        {
            TypeRef? element = CompileType(ctx, valueSchema, pointer + "/additionalProperties", typeName + "Value", depth + 1);
            return element is null ? null : new TypeRef(ValueKind.Map, Element: element);
        }
        if (schema.Find("properties") is null && additional?.Value is not JsonBool { Value: false })
        {
            return new TypeRef(ValueKind.Json); // free-form: {}, additionalProperties true/{} or absent
        }
        if (additional?.Value is JsonObject { Members.Count: > 0 })
        {
            Report(ctx, DiagnosticIds.UnsupportedKeyword, additional.NameSpan, "additionalProperties", pointer + "/additionalProperties", " as a schema next to 'properties' (use a separate map property)");
            return null;
        }
        string name = ExplicitCSharpName(ctx, schema, pointer) ?? typeName;
        CompileObject(ctx, schema, pointer, name, depth, info: null, isStruct: false);
        return new TypeRef(ValueKind.Object, TypeName: name);
    }

    private ObjectModel CompileObject(FileContext ctx, JsonObject schema, string pointer, string typeName, int depth, EventInfo? info, bool isStruct)
    {
        var properties = new List<PropertyModel>();
        var csharpNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var jsonNames = new HashSet<string>(StringComparer.Ordinal);
        JsonObject? declared = schema.Find("properties")?.Value as JsonObject;
        if (schema.Find("properties") is { Value: not JsonObject } badProperties)
            Report(ctx, DiagnosticIds.InvalidKeywordValue, badProperties.Value.Span, "'properties' must be an object", pointer + "/properties");

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.Find("required") is { } requiredMember)
        {
            if (requiredMember.Value is JsonArray list && list.Items.All(i => i is JsonString))
            {
                foreach (JsonString name in list.Items.Cast<JsonString>())
                {
                    required.Add(name.Value);
                    if (declared?.Find(name.Value) is null)
                        Report(ctx, DiagnosticIds.RequiredUndefined, name.Span, name.Value, typeName);
                }
            }
            else
            {
                Report(ctx, DiagnosticIds.InvalidKeywordValue, requiredMember.Value.Span, "'required' must be an array of property names", pointer + "/required");
            }
        }

        // The names the properties ask for (explicit or derived): a property renamed for a collision avoids them all.
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonMember member in declared?.Members ?? EquatableArray<JsonMember>.Empty)
            taken.Add((member.Value as JsonObject)?.Find("x-csharp-name")?.Value is JsonString explicitName ? explicitName.Value : Naming.ToPascalCase(member.Name));

        foreach (JsonMember member in declared?.Members ?? EquatableArray<JsonMember>.Empty)
        {
            PropertyModel? property = CompileProperty(ctx, member, pointer + "/properties/" + EscapePointer(member.Name), typeName, depth, required.Contains(member.Name), taken);
            if (property is null) continue;
            if (csharpNames.TryGetValue(property.CSharpName, out string? other))
            {
                Report(ctx, DiagnosticIds.DuplicateMemberName, member.NameSpan, member.Name, property.CSharpName, $"property '{other}' maps to it already; rename one with x-csharp-name");
                continue;
            }
            foreach (string alias in property.Aliases)
            {
                if (!jsonNames.Add(alias))
                    Report(ctx, DiagnosticIds.DuplicateMemberName, member.NameSpan, alias, property.CSharpName, $"the alias '{alias}' is already a property name or alias in this object");
            }
            if (!jsonNames.Add(member.Name))
                Report(ctx, DiagnosticIds.DuplicateMemberName, member.NameSpan, member.Name, property.CSharpName, $"'{member.Name}' is already an alias in this object");
            csharpNames[property.CSharpName] = member.Name;
            properties.Add(property);
        }

        RenameTypeNameClashes(ctx, declared, properties, typeName, taken);

        // Root aliases fill a nested object from legacy root fields; that needs every required field covered.
        if (properties.Any(p => p.RootAliases.Count > 0))
        {
            PropertyModel? uncovered = properties.FirstOrDefault(p => p.IsRequired && p.ConstCSharp is null && p.RootAliases.Count == 0);
            if (uncovered is not null)
                Report(ctx, DiagnosticIds.InvalidKeywordValue, schema.Span, $"root aliases ('/name') in '{typeName}' must cover every required field, and '{uncovered.JsonName}' has none", pointer);
        }

        var model = new ObjectModel
        {
            Name = typeName,
            Description = Annotations.Documentation(schema),
            Examples = Annotations.Examples(schema),
            IsStruct = isStruct,
            Event = info,
            DeprecatedMessage = Deprecation(schema),
            Properties = properties.ToEquatableArray(),
        };
        ctx.Objects.Add(model);
        return model;
    }

    private PropertyModel? CompileProperty(FileContext ctx, JsonMember member, string pointer, string ownerType, int ownerDepth, bool isRequired, HashSet<string> taken)
    {
        JsonObject schema;
        if (member.Value is JsonObject o) schema = o;
        else if (member.Value is JsonBool { Value: true }) schema = new JsonObject(member.Value.Span, EquatableArray<JsonMember>.Empty);
        else
        {
            Report(ctx, DiagnosticIds.InvalidKeywordValue, member.Value.Span, "a property schema must be an object (or true)", pointer);
            return null;
        }

        string? explicitName = ExplicitCSharpName(ctx, schema, pointer);
        string csharpName = explicitName ?? Naming.ToPascalCase(member.Name);
        if (csharpName.Length == 0)
        {
            Report(ctx, DiagnosticIds.InvalidName, member.NameSpan, member.Name, "the name has no letters or digits; set x-csharp-name");
            return null;
        }
        if (MemberNames.Conflict(csharpName, ownerType) is { } conflict)
        {
            if (explicitName is not null)
            {
                Report(ctx, DiagnosticIds.InvalidName, schema.Find("x-csharp-name")!.Value.Span, explicitName, $"the x-csharp-name of '{member.Name}' {conflict}; choose another name");
                return null;
            }
            string renamed = MemberNames.Rename(csharpName, ownerType, taken);
            taken.Add(renamed);
            Notice(ctx, DiagnosticIds.MemberRenamed, member.NameSpan, member.Name, renamed, csharpName, conflict);
            csharpName = renamed;
        }

        TypeRef? type = CompileType(ctx, schema, pointer, ownerType + csharpName, ownerDepth + 1);
        if (type is null) return null;

        var aliases = new List<string>();
        var rootAliases = new List<string>();
        if (schema.Find("x-aliases") is { } aliasMember)
        {
            if (aliasMember.Value is JsonArray list && list.Items.All(i => i is JsonString { Value.Length: > 0 }))
            {
                foreach (JsonString alias in list.Items.Cast<JsonString>())
                {
                    if (!alias.Value.StartsWith("/", StringComparison.Ordinal)) aliases.Add(alias.Value);
                    else if (ownerDepth == 1 && alias.Value.IndexOf('/', 1) < 0) rootAliases.Add(alias.Value.Substring(1));
                    else Report(ctx, DiagnosticIds.InvalidKeywordValue, alias.Span, "a root alias ('/name') names one root field and is only allowed on fields of objects directly under the event root", pointer + "/x-aliases");
                }
            }
            else
            {
                Report(ctx, DiagnosticIds.InvalidKeywordValue, aliasMember.Value.Span, "'x-aliases' must be an array of non-empty strings", pointer + "/x-aliases");
            }
        }

        bool redact = false;
        if (schema.Find("x-redact") is { } redactMember)
        {
            if (redactMember.Value is JsonBool b) redact = b.Value;
            else Report(ctx, DiagnosticIds.InvalidKeywordValue, redactMember.Value.Span, "'x-redact' must be true or false", pointer + "/x-redact");
            // The runtime masks a redacted value with the string "[REDACTED]", which only string and free-form
            // fields can hold and still be read back; masks are per top-level field of an event.
            bool topLevel = ctx.Document.IsEvent && pointer.TrimStart('#').LastIndexOf("/properties/", StringComparison.Ordinal) == 0;
            if (redact && !topLevel)
                Report(ctx, DiagnosticIds.InvalidKeywordValue, redactMember.Value.Span, "'x-redact' is only allowed on top-level properties of an event", pointer + "/x-redact");
            else if (redact && type.Kind is not (ValueKind.String or ValueKind.Json))
                Report(ctx, DiagnosticIds.InvalidKeywordValue, redactMember.Value.Span, "'x-redact' is only allowed on string and free-form properties (a redacted value is written as \"[REDACTED]\")", pointer + "/x-redact");
        }

        string? constValue = schema.Find("const") is { } c ? Literal(ctx, c.Value, type, pointer + "/const", "const") : null;
        string? defaultValue = schema.Find("default") is { } d ? Literal(ctx, d.Value, type, pointer + "/default", "default") : null;

        return new PropertyModel
        {
            JsonName = member.Name,
            CSharpName = csharpName,
            Type = type,
            IsRequired = isRequired,
            Description = Annotations.Documentation(schema),
            Examples = Annotations.Examples(schema),
            DeprecatedMessage = Deprecation(schema),
            Aliases = aliases.ToEquatableArray(),
            RootAliases = rootAliases.ToEquatableArray(),
            ConstCSharp = constValue,
            DefaultCSharp = constValue is null ? defaultValue : null,
            Redact = redact,
        };
    }

    /// <summary>
    /// A property named like a type the record's code uses (another property's record or enum) would hide that type:
    /// rename it like a generated member, or refuse its explicit x-csharp-name.
    /// </summary>
    private void RenameTypeNameClashes(FileContext ctx, JsonObject? declared, List<PropertyModel> properties, string ownerType, HashSet<string> taken)
    {
        HashSet<string> types = MemberNames.TypesNamedInCode(properties);
        for (int i = 0; i < properties.Count; i++)
        {
            PropertyModel p = properties[i];
            if (!types.Contains(p.CSharpName) || MemberNames.IsOfTypeNamedLikeIt(p)) continue;
            JsonMember member = declared!.Find(p.JsonName)!;
            const string Conflict = "is the name of a type this record uses";
            if ((member.Value as JsonObject)?.Find("x-csharp-name") is { } explicitName)
            {
                Report(ctx, DiagnosticIds.InvalidName, explicitName.Value.Span, p.CSharpName, $"the x-csharp-name of '{p.JsonName}' {Conflict}; choose another name");
                continue;
            }
            var avoid = new HashSet<string>(taken.Concat(types), StringComparer.Ordinal);
            string renamed = MemberNames.Rename(p.CSharpName, ownerType, avoid);
            taken.Add(renamed);
            Notice(ctx, DiagnosticIds.MemberRenamed, member.NameSpan, p.JsonName, renamed, p.CSharpName, Conflict);
            properties[i] = p with { CSharpName = renamed };
        }
    }

    /// <summary>A C# expression for a <c>const</c> or <c>default</c> value, checked against the property type.</summary>
    private string? Literal(FileContext ctx, JsonNode value, TypeRef type, string pointer, string keyword)
    {
        if (value is JsonNumber number && type.Kind is ValueKind.Int64 or ValueKind.Int32 or ValueKind.Double or ValueKind.Single
            && (number.IsInteger || type.Kind is ValueKind.Double or ValueKind.Single) && !FitsType(number.Text, type.Kind))
        {
            // A literal the compiler would refuse (CS0594, CS0031): outside the C# type's range.
            Report(ctx, DiagnosticIds.InvalidKeywordValue, value.Span, $"'{keyword}' {number.Text} is outside the range of the property's C# type {KindName(type.Kind)}", pointer);
            return null;
        }
        string? literal = (type.Kind, value) switch
        {
            (ValueKind.String, JsonString s) => Emit.KnownTypes.CSharpString(s.Value),
            (ValueKind.Enum, JsonString s) => ctx.Enums.FirstOrDefault(e => e.Name == type.TypeName)?.Members.FirstOrDefault(m => m.JsonValue == s.Value) is { } m
                ? type.TypeName + "." + m.CSharpName : null,
            (ValueKind.Int64, JsonNumber { IsInteger: true } n) => n.Text + "L",
            (ValueKind.Int32, JsonNumber { IsInteger: true } n) => n.Text,
            (ValueKind.Double, JsonNumber n) => n.Text + "d",
            (ValueKind.Single, JsonNumber n) => n.Text + "f",
            (ValueKind.Boolean, JsonBool b) => b.Value ? "true" : "false",
            _ => null,
        };
        if (literal is null)
            Report(ctx, DiagnosticIds.InvalidKeywordValue, value.Span, $"'{keyword}' must be a {type.Kind.ToString().ToLowerInvariant()} value of the property's type (supported for strings, enums, numbers and booleans)", pointer);
        return literal;
    }

    /// <summary>The C# keyword of a numeric kind, for messages.</summary>
    private static string KindName(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "int",
        ValueKind.Int64 => "long",
        ValueKind.Single => "float",
        _ => "double",
    };

    /// <summary>Whether the JSON number <paramref name="text"/> is a literal of the C# type: in range, and finite for floating point.</summary>
    private static bool FitsType(string text, ValueKind kind) => kind switch
    {
        ValueKind.Int64 => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        ValueKind.Int32 => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        // .NET Framework fails to parse an overflowing number, .NET Core parses it as infinity: both are out of range.
        ValueKind.Double => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsInfinity(d),
        ValueKind.Single => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && !float.IsInfinity((float)f),
        _ => true,
    };

    /// <summary>
    /// How the integer <paramref name="text"/> (any JSON number) compares with <paramref name="limit"/>, exactly:
    /// -1, 0 or 1. Numbers beyond decimal's range compare by their sign.
    /// </summary>
    private static int CompareWith(string text, long limit)
        => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value)
            ? value.CompareTo((decimal)limit)
            : text.StartsWith("-", StringComparison.Ordinal) ? -1 : 1;

    private Constraints ReadConstraints(FileContext ctx, JsonObject schema, string pointer, TypeRef type)
    {
        bool numeric = type.Kind is ValueKind.Int32 or ValueKind.Int64 or ValueKind.Double or ValueKind.Single;
        string? Number(string keyword)
        {
            if (schema.Find(keyword) is not { } m) return null;
            if (m.Value is JsonNumber n && numeric && double.TryParse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double bound) && !double.IsInfinity(bound))
            {
                if (type.Kind is not (ValueKind.Int32 or ValueKind.Int64)) return n.Text;
                // An integer bound is compared with the C# type's range: one every value satisfies checks nothing and is
                // not generated (a comparison with a constant outside the range does not compile cleanly: CS0652,
                // CS0034); one no value satisfies makes every event invalid, which is a mistake in the schema.
                long min = type.Kind == ValueKind.Int32 ? int.MinValue : long.MinValue;
                long max = type.Kind == ValueKind.Int32 ? int.MaxValue : long.MaxValue;
                int vsMin = CompareWith(n.Text, min), vsMax = CompareWith(n.Text, max);
                var (always, never) = keyword switch
                {
                    "minimum" => (vsMin <= 0, vsMax > 0),
                    "exclusiveMinimum" => (vsMin < 0, vsMax >= 0),
                    "maximum" => (vsMax >= 0, vsMin < 0),
                    _ => (vsMax > 0, vsMin <= 0),
                };
                if (always) return null;
                if (!never) return n.Text;
                Report(ctx, DiagnosticIds.InvalidKeywordValue, m.Value.Span, $"'{keyword}' {n.Text} leaves no value of the property's C# type {KindName(type.Kind)} valid", pointer + "/" + keyword);
                return null;
            }
            Report(ctx, DiagnosticIds.InvalidKeywordValue, m.Value.Span,
                m.Value is JsonNumber huge && numeric ? $"'{keyword}' {huge.Text} is outside the range of double" : $"'{keyword}' must be a number on a numeric property",
                pointer + "/" + keyword);
            return null;
        }
        int? Count(string keyword, bool applies, string appliesTo)
        {
            if (schema.Find(keyword) is not { } m) return null;
            if (m.Value is JsonNumber { IsInteger: true } n && applies && int.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int v)) return v;
            Report(ctx, DiagnosticIds.InvalidKeywordValue, m.Value.Span, $"'{keyword}' must be a non-negative integer on {appliesTo}", pointer + "/" + keyword);
            return null;
        }
        string? pattern = null;
        if (schema.Find("pattern") is { } p)
        {
            if (p.Value is JsonString s && type.Kind == ValueKind.String && IsValidRegex(s.Value)) pattern = s.Value;
            else Report(ctx, DiagnosticIds.InvalidKeywordValue, p.Value.Span, "'pattern' must be a valid regular expression on a string property", pointer + "/pattern");
        }
        return new Constraints(
            Number("minimum"), Number("maximum"), Number("exclusiveMinimum"), Number("exclusiveMaximum"),
            Count("minLength", type.Kind == ValueKind.String, "a string property"),
            Count("maxLength", type.Kind == ValueKind.String, "a string property"),
            pattern,
            Count("minItems", type.Kind == ValueKind.Array, "an array property"),
            Count("maxItems", type.Kind == ValueKind.Array, "an array property"));
    }

    private static bool IsValidRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? Deprecation(JsonObject schema)
        => schema.Find("deprecated")?.Value is JsonBool { Value: true }
            ? "Deprecated by the schema" + (Annotations.Documentation(schema) is { } d ? ": " + d : ".")
            : null;

    private TypeRef? ReportNull(FileContext ctx, string id, SourceSpan span, params string[] args)
    {
        Report(ctx, id, span, args);
        return null;
    }

    private static string EscapePointer(string name) => name.Replace("~", "~0").Replace("/", "~1");
}
