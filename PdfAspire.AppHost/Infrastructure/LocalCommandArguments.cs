namespace PdfAspire.AppHost.Infrastructure;

internal static class LocalCommandArguments
{
    /// <summary>Passes a command line from PdfAspire.LocalInfrastructure; endpoint references in it resolve at start.</summary>
    public static void AddAll(this CommandLineArgsCallbackContext context, IEnumerable<object> arguments)
    {
        foreach (var argument in arguments)
        {
            context.Args.Add(argument);
        }
    }
}
