namespace PdfAspire.Admin.Security;

/// <summary>The two accounts: the operator changes things, the viewer sees everything and changes nothing.</summary>
public static class AdminRoles
{
    public const string Operator = "operator";
    public const string Viewer = "viewer";
}
