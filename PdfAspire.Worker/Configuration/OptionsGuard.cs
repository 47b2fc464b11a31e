using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PdfAspire.Worker.Configuration;

/// <summary>
/// Reads and validates options that are needed before the host is built (Kestrel's ports), with the same
/// messages ValidateOnStart gives later.
/// </summary>
public static class OptionsGuard
{
    public static T GetValidated<T>(IConfiguration configuration) where T : class, new()
    {
        var options = configuration.Get<T>() ?? new T();
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new OptionsValidationException(typeof(T).Name, typeof(T), errors.Select(e => e.ErrorMessage ?? "invalid"));
        }
        return options;
    }
}
