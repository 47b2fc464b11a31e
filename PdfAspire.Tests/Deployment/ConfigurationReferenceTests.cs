using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using PdfAspire.TaskQueue;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// docs/configuration.md's table of settings is generated from the options classes the services bind and validate:
/// their names, defaults, meanings (the properties' own documentation), which process reads each and which class
/// validates it. So the reference can't drift from the code: this test fails when they differ, and with
/// <c>UPDATE_CONFIGURATION_REFERENCE=1</c> (tools/update-configuration-reference.sh) it rewrites the table.
/// </summary>
public sealed class ConfigurationReferenceTests
{
    private const string Begin = "<!-- settings: generated from the options classes by ConfigurationReferenceTests; do not edit by hand -->";
    private const string End = "<!-- settings: end -->";

    private static string Reference => Path.Combine(DeployPath.RepositoryRoot, "docs", "configuration.md");

    [Fact]
    public void TheConfigurationReference_IsTheOptionsClasses()
    {
        var table = Table();
        var document = File.ReadAllText(Reference);
        var start = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/configuration.md has no generated table between '{Begin}' and '{End}'");
        var current = document[(start + Begin.Length)..end].Trim();

        if (Environment.GetEnvironmentVariable("UPDATE_CONFIGURATION_REFERENCE") == "1")
        {
            File.WriteAllText(Reference, document[..(start + Begin.Length)] + "\n" + table + "\n" + document[end..]);
            return;
        }
        Assert.True(current == table,
            $"docs/configuration.md's table differs from the options classes; run tools/update-configuration-reference.sh. Expected:\n{table}");
    }

    /// <summary>One row per setting: those several processes read (MAX_DOCUMENT_BYTES) once, with every reader.</summary>
    public static string Table()
    {
        var rows = Settings().GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var first = g.First();
            var readers = string.Join(", ", g.Select(s => s.ReadBy).Distinct());
            var classes = string.Join(", ", g.Select(s => $"`{s.Class}`").Distinct());
            var meanings = string.Join(" — ", g.Select(s => s.Meaning).Distinct());
            return $"| `{g.Key}` | {first.Default} | {readers} | {meanings} | {classes} |";
        });
        return string.Join('\n', ["| setting | default | read by | meaning | validated in |", "|---|---|---|---|---|", .. rows]);
    }

    private sealed record Setting(string Name, string Default, string ReadBy, string Meaning, string Class);

    private static IEnumerable<Setting> Settings()
    {
        var worker = Assembly.LoadFrom(Infrastructure.TestWorkers.WorkerAssembly());
        (Assembly Assembly, string ReadBy)[] assemblies =
        [
            (worker, "worker"), (typeof(PdfAspire.Admin.Security.AdminOptions).Assembly, "admin"),
            (typeof(QueueOptions).Assembly, "worker, admin"), (typeof(PdfAspire.Storage.StorageOptions).Assembly, "worker, admin"),
        ];
        foreach (var (assembly, readBy) in assemblies)
        {
            var docs = XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));
            foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract))
            {
                var options = type.GetProperties().Where(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>() is not null).ToList();
                if (options.Count == 0)
                {
                    continue;
                }
                var defaults = Activator.CreateInstance(type);
                foreach (var property in options)
                {
                    var meaning = Summary(docs, property);
                    Assert.False(string.IsNullOrEmpty(meaning), $"{type.Name}.{property.Name} has no documentation to put in the reference");
                    yield return new Setting(property.GetCustomAttribute<ConfigurationKeyNameAttribute>()!.Name, Default(property, defaults), readBy, meaning,
                        type.Name);
                }
            }
        }
    }

    private static string Default(PropertyInfo property, object? instance)
    {
        if (property.GetCustomAttribute<SettingDefaultAttribute>() is { } described)
        {
            return described.Description;
        }
        var value = property.GetValue(instance);
        var required = property.GetCustomAttribute<System.ComponentModel.DataAnnotations.RequiredAttribute>() is not null;
        return value switch
        {
            null or "" => required ? "— (required)" : "—",
            bool b => b ? "`true`" : "`false`",
            Enum e => $"`{e.ToString().ToLowerInvariant()}`",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => $"`{value}`",
        };
    }

    /// <summary>The property's &lt;summary&gt; as one line of Markdown (&lt;c&gt; as code, crefs by name).</summary>
    private static string Summary(XDocument docs, PropertyInfo property)
    {
        var member = $"P:{property.DeclaringType!.FullName}.{property.Name}";
        var summary = docs.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == member)?.Element("summary");
        if (summary is null)
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText plain => plain.Value,
                XElement { Name.LocalName: "c" } code => $"`{code.Value}`",
                XElement { Name.LocalName: "see" } see => $"`{((string?)see.Attribute("cref") ?? "").Split('.')[^1]}`",
                XElement other => other.Value,
                _ => "",
            });
        }
        return string.Join(' ', text.ToString().Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal);
    }
}
