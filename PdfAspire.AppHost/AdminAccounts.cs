namespace PdfAspire.AppHost;

public static class AdminAccounts
{
    /// <summary>
    /// The admin's two accounts. Run locally, their passwords are secret parameters generated on first run and kept in
    /// the AppHost's user secrets (the dashboard shows them under Parameters; set Parameters:admin-operator-password to
    /// choose one). Published, they are not in the manifest at all: aspirate writes a parameter's value into a plain
    /// ConfigMap, so in Kubernetes the admin reads them from the Secret that deploy/k8s creates.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAdminAccounts(this IResourceBuilder<ProjectResource> admin)
    {
        var builder = admin.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode)
        {
            return admin;
        }
        var generated = new GenerateParameterDefault { MinLength = 20, Special = false };
        var operatorPassword = builder.AddParameter("admin-operator-password", generated, secret: true, persist: true);
        var viewerPassword = builder.AddParameter("admin-viewer-password", generated, secret: true, persist: true);
        return admin
            .WithEnvironment("ADMIN_OPERATOR_PASSWORD", operatorPassword)
            .WithEnvironment("ADMIN_VIEWER_PASSWORD", viewerPassword);
    }
}
