using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PdfAspire.Tests.Deployment;

/// <summary>
/// Writes, from the AppHost's published manifest, a kustomize base in the layout `aspirate generate` writes: one folder
/// per container or project resource with deployment.yaml, service.yaml and a kustomization.yaml whose
/// configMapGenerator is <c>{name}-env</c> (and secretGenerator <c>{name}-secrets</c> for values from secret
/// parameters), pods labelled <c>app: {name}</c>, and a root kustomization listing the folders. aspirate itself is not
/// served here; this lets the overlays be rendered and checked over a base that follows the manifest exactly.
/// </summary>
public static partial class AspirateLayout
{
    private static readonly string[] Deployable = ["container.v0", "container.v1", "project.v0", "project.v1"];

    public static void Write(JsonElement manifest, string directory)
    {
        var resources = manifest.GetProperty("resources");
        var secretParameters = resources.EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0" && IsSecret(r.Value))
            .Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var folders = new List<string>();
        foreach (var resource in resources.EnumerateObject().Where(r => Deployable.Contains(r.Value.GetProperty("type").GetString())))
        {
            var name = resource.Name;
            var folder = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
            var ports = Ports(resource.Value);
            var (env, secrets) = Environment(resource.Value, resources, secretParameters);
            File.WriteAllText(Path.Combine(folder, "deployment.yaml"), DeploymentYaml(name, resource.Value, ports, secrets.Count > 0));
            var manifests = new List<string> { "deployment.yaml" };
            if (ports.Count > 0)
            {
                File.WriteAllText(Path.Combine(folder, "service.yaml"), ServiceYaml(name, ports));
                manifests.Add("service.yaml");
            }
            if (secrets.Count > 0)
            {
                File.WriteAllLines(Path.Combine(folder, $".{name}.secrets"), secrets.Select(s => $"{s.Key}={s.Value}"));
            }
            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"), KustomizationYaml(name, manifests, env, secrets.Count > 0));
            folders.Add(name);
        }
        File.WriteAllText(Path.Combine(directory, "kustomization.yaml"),
            "resources:\n" + string.Concat(folders.Select(f => $"- {f}\n")));
    }

    private static bool IsSecret(JsonElement parameter) =>
        parameter.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty("value", out var value)
        && value.TryGetProperty("secret", out var secret) && secret.GetBoolean();

    private static List<(string Name, int Port)> Ports(JsonElement resource)
    {
        var ports = new List<(string, int)>();
        if (resource.TryGetProperty("bindings", out var bindings))
        {
            foreach (var binding in bindings.EnumerateObject())
            {
                var port = binding.Value.TryGetProperty("targetPort", out var target) ? target.GetInt32() : 8080;
                ports.Add((binding.Name, port));
            }
        }
        return ports;
    }

    /// <summary>Resolves manifest expressions the way aspirate does: bindings to in-cluster addresses, secret parameters to the secrets file.</summary>
    private static (SortedDictionary<string, string> Env, SortedDictionary<string, string> Secrets) Environment(
        JsonElement resource, JsonElement resources, HashSet<string> secretParameters)
    {
        var env = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (resource.TryGetProperty("env", out var variables))
        {
            foreach (var variable in variables.EnumerateObject())
            {
                var raw = variable.Value.GetString() ?? "";
                var isSecret = Expression().Matches(raw).Any(m => secretParameters.Contains(m.Groups["resource"].Value))
                    || (raw.Contains(".connectionString}", StringComparison.Ordinal) && raw.Contains("{redis", StringComparison.Ordinal));
                var value = Resolve(raw, resources, depth: 0);
                (isSecret ? secrets : env)[variable.Name] = value;
            }
        }
        return (env, secrets);
    }

    private static string Resolve(string raw, JsonElement resources, int depth) => depth > 4 ? raw : Expression().Replace(raw, m =>
    {
        var name = m.Groups["resource"].Value;
        var path = m.Groups["path"].Value;
        if (!resources.TryGetProperty(name, out var target))
        {
            return m.Value;
        }
        if (path == "connectionString")
        {
            return Resolve(target.TryGetProperty("connectionString", out var cs) ? cs.GetString() ?? "" : "", resources, depth + 1);
        }
        if (path == "value")
        {
            return $"<{name}>";
        }
        var binding = BindingPath().Match(path);
        if (binding.Success)
        {
            var port = Ports(target).FirstOrDefault(p => p.Name == binding.Groups["binding"].Value).Port;
            return binding.Groups["property"].Value switch
            {
                "host" => name,
                "port" or "targetPort" => port.ToString(CultureInfo.InvariantCulture),
                "url" => $"http://{name}:{port}",
                "scheme" => "tcp",
                _ => m.Value,
            };
        }
        return m.Value;
    });

    private static string DeploymentYaml(string name, JsonElement resource, List<(string Name, int Port)> ports, bool hasSecrets)
    {
        var image = resource.TryGetProperty("image", out var i) ? i.GetString() : $"{name}:latest";
        var yaml = new StringBuilder($"""
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {name}
            spec:
              minReadySeconds: 60
              replicas: 1
              selector:
                matchLabels:
                  app: {name}
              strategy:
                rollingUpdate:
                  maxUnavailable: 0
                  maxSurge: 1
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  containers:
                  - name: {name}
                    image: {image}
                    imagePullPolicy: IfNotPresent

            """);
        if (resource.TryGetProperty("entrypoint", out var entrypoint))
        {
            yaml.Append(CultureInfo.InvariantCulture, $"        command:\n        - {entrypoint.GetString()}\n");
        }
        if (resource.TryGetProperty("args", out var args))
        {
            yaml.Append("        args:\n");
            foreach (var arg in args.EnumerateArray())
            {
                yaml.Append(CultureInfo.InvariantCulture, $"        - {JsonSerializer.Serialize(arg.GetString())}\n");
            }
        }
        if (ports.Count > 0)
        {
            yaml.Append("        ports:\n");
            foreach (var (_, port) in ports)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"        - containerPort: {port}\n");
            }
        }
        yaml.Append(CultureInfo.InvariantCulture, $"        envFrom:\n        - configMapRef:\n            name: {name}-env\n");
        if (hasSecrets)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"        - secretRef:\n            name: {name}-secrets\n");
        }
        yaml.Append("      terminationGracePeriodSeconds: 180\n");
        return yaml.ToString();
    }

    private static string ServiceYaml(string name, List<(string Name, int Port)> ports) =>
        $"""
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          type: ClusterIP
          selector:
            app: {name}
          ports:

        """ + string.Concat(ports.Select(p => $"  - name: {p.Name}\n    port: {p.Port}\n    targetPort: {p.Port}\n"));

    private static string KustomizationYaml(string name, List<string> manifests, SortedDictionary<string, string> env, bool hasSecrets)
    {
        var yaml = new StringBuilder("resources:\n");
        manifests.ForEach(m => yaml.Append(CultureInfo.InvariantCulture, $"- {m}\n"));
        yaml.Append(CultureInfo.InvariantCulture, $"\ngeneratorOptions:\n  disableNameSuffixHash: true\n\nconfigMapGenerator:\n- name: {name}-env\n  literals:\n");
        foreach (var (key, value) in env)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    - {JsonSerializer.Serialize($"{key}={value}")}\n");
        }
        if (hasSecrets)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"\nsecretGenerator:\n- name: {name}-secrets\n  envs:\n  - .{name}.secrets\n");
        }
        return yaml.ToString();
    }

    [GeneratedRegex(@"\{(?<resource>[a-z0-9-]+)\.(?<path>[A-Za-z0-9.]+)\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"^bindings\.(?<binding>[a-z0-9-]+)\.(?<property>[A-Za-z]+)$")]
    private static partial Regex BindingPath();
}
