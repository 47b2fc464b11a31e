using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace PdfAspire.TaskQueue;

/// <summary>Where the queue lives. Bound from the root of configuration so the guide's variable names work as-is.</summary>
public sealed partial class QueueOptions : IValidatableObject
{
    public const string DefaultName = "queue:upload_tasks";

    private const string NamePattern = @"^[^\s{}*?\[\]=,]+$";

    /// <summary>
    /// The pending list producers push to, when REDIS_QUEUE_LANES is unset; with lanes, the one the admin's uploads go to
    /// by default (when it is a lane). The admin's own keys start with it.
    /// </summary>
    [ConfigurationKeyName("REDIS_QUEUE_NAME")]
    [Required(AllowEmptyStrings = false, ErrorMessage = "REDIS_QUEUE_NAME must not be empty (default: queue:upload_tasks).")]
    [RegularExpression(NamePattern, ErrorMessage = "REDIS_QUEUE_NAME must not contain spaces, braces, '=', ',' or glob characters (* ? [ ]).")]
    public string Name { get; set; } = DefaultName;

    /// <summary>
    /// The pending lists a worker takes from, highest priority first, comma-separated: strictly in that order, or, when
    /// every one has a weight (<c>name=weight</c>), each as often as its weight. Unset: the one lane REDIS_QUEUE_NAME.
    /// </summary>
    [ConfigurationKeyName("REDIS_QUEUE_LANES")]
    public string Lanes { get; set; } = "";

    /// <summary>The lanes, in order, with their weights (all null in strict mode).</summary>
    public IReadOnlyList<LaneSetting> LaneSettings => Lanes.Trim().Length == 0
        ? [new LaneSetting(Name, null)]
        : [.. Lanes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(LaneSetting.Parse)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        IReadOnlyList<LaneSetting> lanes;
        try
        {
            lanes = LaneSettings;
        }
        catch (FormatException e)
        {
            return [new ValidationResult(e.Message)];
        }
        List<string> errors = [];
        errors.AddRange(lanes.Where(l => !LaneName().IsMatch(l.Name))
            .Select(l => $"REDIS_QUEUE_LANES: '{l.Name}' is not a list name (no spaces, braces, '=', ',' or glob characters)"));
        errors.AddRange(lanes.GroupBy(l => l.Name).Where(g => g.Count() > 1).Select(g => $"REDIS_QUEUE_LANES names '{g.Key}' twice"));
        if (lanes.Any(l => l.Weight is null) && lanes.Any(l => l.Weight is not null))
        {
            errors.Add("REDIS_QUEUE_LANES: give every lane a weight (name=weight) for weighted order, or none for strict order");
        }
        return errors.Select(e => new ValidationResult(e));
    }

    [GeneratedRegex(NamePattern)]
    private static partial Regex LaneName();
}

/// <summary>One lane of <see cref="QueueOptions.Lanes"/>: its pending list, and its weight in weighted order.</summary>
public sealed record LaneSetting(string Name, int? Weight)
{
    public static LaneSetting Parse(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return new LaneSetting(parts[0], null);
        }
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) && weight is >= 1 and <= 1000
            ? new LaneSetting(parts[0], weight)
            : throw new FormatException($"REDIS_QUEUE_LANES: the weight of '{parts[0]}' must be a whole number from 1 to 1000, not '{parts[1]}'");
    }
}
