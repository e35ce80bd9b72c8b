using System.Globalization;
using System.Linq;
using Herald.Generator.Model;
using static Herald.Generator.Emit.KnownTypes;

namespace Herald.Generator.Emit;

/// <summary>The stand-in for an event whose schema has errors: every use is a compile error that names the problem.</summary>
internal static partial class Emitter
{
    public static string EmitPlaceholder(Placeholder placeholder)
    {
        string reason;
        if (placeholder.Cause is { } d)
        {
            var descriptor = DiagnosticDescriptors.ForId(d.Id);
            string message = descriptor is null
                ? d.Id
                : string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture), d.MessageArgs.AsImmutableArray().CastArray<object>().ToArray());
            reason = $"{placeholder.SourceFile}({d.Span.StartLine + 1},{d.Span.StartColumn + 1}): {d.Id}: {message}";
        }
        else
        {
            reason = $"{placeholder.SourceFile} depends on {placeholder.FailedDependency ?? "a schema"}, which has errors";
        }

        var w = new SourceWriter();
        WriteHeader(w, placeholder.Namespace, placeholder.SourceFile);
        w.Line($"/// <summary>Not generated: the schema has errors. {Xml(reason)}</summary>");
        w.Line($"[{Obsolete}({CSharpString($"Herald did not generate this type because its schema has errors. {reason}")}, true)]");
        w.Line($"[{GeneratedCode}(\"{GeneratorName}\", \"{GeneratorVersion}\")]");
        w.Line($"public sealed partial class {placeholder.TypeName}");
        w.Line("{");
        w.Line("}");
        return w.ToString();
    }
}
