using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Server.Diagnostics;

/// <summary>Exports the gateway's spans over OTLP with the OpenTelemetry SDK, built only when a collector is configured.</summary>
internal static class TraceExport
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "gateway";

    private const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    private const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    /// <summary>The tracer provider when OTEL_EXPORTER_OTLP_ENDPOINT is set, else null (and no span is ever built).</summary>
    /// <remarks>The SDK reads the endpoint, headers, protocol and batch settings from the environment itself (OTLP exporter spec).</remarks>
    public static TracerProvider? Start(Func<string, string?> variable, string serviceVersion)
    {
        if (string.IsNullOrWhiteSpace(variable(EndpointVariable)))
        {
            return null;
        }
        var serviceName = variable(ServiceNameVariable) is { Length: > 0 } name ? name : DefaultServiceName;
        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: serviceVersion))
            .AddSource(GatewayTracing.SourceName)
            .AddOtlpExporter(exporter =>
            {
                // The .NET exporter defaults to gRPC; the OTLP spec's default, and ours, is http/protobuf.
                if (string.IsNullOrWhiteSpace(variable(ProtocolVariable)))
                {
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                }
            })
            .Build();
    }
}
