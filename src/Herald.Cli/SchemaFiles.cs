using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Herald.Generator;
using Herald.Generator.Schema;

namespace Herald.Cli;

/// <summary>The schema files (<c>*.schema.json</c>, <c>*.defs.json</c>) and baseline (<c>schemas.shipped.json</c>) named by paths.</summary>
internal static class SchemaFiles
{
    /// <summary>
    /// Each path is a schema file or a directory searched recursively (<c>bin</c> and <c>obj</c> skipped). No paths means
    /// the current directory.
    /// </summary>
    /// <exception cref="CliException">A path does not exist, or no schema file was found.</exception>
    public static List<string> Collect(IReadOnlyList<string> paths, bool includeBaseline)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string path in paths.Count == 0 ? ["."] : paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
            {
                foreach (string file in Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories))
                {
                    string relative = Path.GetRelativePath(path, file);
                    if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")) continue;
                    if (SchemaDocument.IsSchemaPath(file) || (includeBaseline && IsBaseline(file))) files.Add(Tidy(file));
                }
            }
            else throw new CliException($"{path}: no such file or directory");
        }
        if (!files.Any(SchemaDocument.IsSchemaPath))
            throw new CliException($"no schema files (*.schema.json, *.defs.json) in {string.Join(", ", paths.Count == 0 ? ["."] : paths)}");
        return files.ToList();
    }

    public static bool IsBaseline(string path) =>
        Path.GetFileName(path).Equals(SchemaDiagnosticAnalyzer.BaselineFileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and compiles the schema files among <paramref name="files"/> with the generator's engine.</summary>
    public static CompileResult Compile(IEnumerable<string> files) =>
        SchemaCompiler.Compile(files.Where(SchemaDocument.IsSchemaPath).Select(f => SchemaDocument.Parse(f, File.ReadAllText(f))), "Herald.Events");

    private static string Tidy(string path) => path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
}
