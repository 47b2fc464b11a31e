namespace PdfAspire.TaskQueue;

/// <summary>
/// Says what a setting's default is when no constant can (it is computed at start: the processor count, the host
/// name): the configuration reference (docs/configuration.md) shows this text instead of a value.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingDefaultAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
