using PdfAspire.Worker.Extensions;
using PdfAspire.Worker.Extraction.Isolation;

// The same executable is its own extractor process: no host, no configuration, no network (see ExtractorHost).
if (args is [ExtractorHost.Command, ..])
{
    return ExtractorHost.Run(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapWorkerEndpoints();

app.Run();
return 0;
