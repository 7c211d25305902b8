using System.Text;
using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Conversation;
using Gateway.Server.Mcp;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Tests.Mcp;

/// <summary>tools/call results as tool_result outputs and the next model request's tool message.</summary>
public sealed class McpResultMapperTests
{
    private static readonly byte[] s_png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];

    [Fact]
    public void TextBlocksAreTheContext()
    {
        var result = McpResultMapper.Map(new CallToolResult { Content = [new TextContentBlock { Text = "Echo: hi" }, new TextContentBlock { Text = "second" }] });

        Assert.Equal("""{"context":"Echo: hi\nsecond"}""", ToolOutputs.From(result).ToString());
    }

    [Fact]
    public void AnErrorResultIsTheErrorForm()
    {
        var result = McpResultMapper.Map(new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "MCP error -32602: bad a" }] });

        Assert.Equal("""{"error":"MCP error -32602: bad a"}""", ToolOutputs.From(result).ToString());
        Assert.Equal("the tool reported an error and no message", McpResultMapper.Map(new CallToolResult { IsError = true }).Error);
    }

    [Fact]
    public void AnEmptyResultIsAnEmptyContext()
    {
        var result = McpResultMapper.Map(new CallToolResult());

        Assert.Equal("""{"context":""}""", ToolOutputs.From(result).ToString());
    }

    [Fact]
    public void ImagesAreTheResultsMediaAndTheModelGetsThemAsParts()
    {
        // get-tiny-image of server-everything: text, image, text.
        var result = McpResultMapper.Map(new CallToolResult
        {
            Content = [new TextContentBlock { Text = "Here is a tiny image:" }, ImageContentBlock.FromBytes(s_png, "image/png"), new TextContentBlock { Text = "The image above is the MCP logo." }],
        });

        var output = ToolOutputs.From(result);
        var data = Convert.ToBase64String(s_png);
        Assert.Equal($$"""{"context":"Here is a tiny image:\nThe image above is the MCP logo.","result":[{"type":"image","mediaType":"image/png","data":"{{data}}"}]}""", output.ToString());
        var parts = ToolOutputs.HistoryContent(result, output);
        Assert.Equal([ContentPartKind.Text, ContentPartKind.Image], parts.Select(p => p.Kind));
        Assert.Equal(("image/png", data), (parts[1].MediaType, parts[1].Data));
    }

    [Fact]
    public void EmbeddedResourcesAreTextAndPdfBlobsDocuments()
    {
        var result = McpResultMapper.Map(new CallToolResult
        {
            Content =
            [
                new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = "demo://resource/static/document/1", MimeType = "text/plain", Text = "Resource 1" } },
                new EmbeddedResourceBlock { Resource = BlobResourceContents.FromBytes("zip"u8.ToArray(), "file:///a.zip", "application/zip") },
                new EmbeddedResourceBlock { Resource = BlobResourceContents.FromBytes("%PDF"u8.ToArray(), "file:///a.pdf", "application/pdf") },
            ],
        });

        Assert.Equal("[resource demo://resource/static/document/1]\nResource 1\n[resource file:///a.zip application/zip, 3 bytes]", result.Context);
        Assert.Equal($$"""[{"type":"document","mediaType":"application/pdf","data":"{{Convert.ToBase64String("%PDF"u8)}}"}]""", result.Result.ToString());
    }

    [Fact]
    public void LinksAndAudioAreNotes()
    {
        var result = McpResultMapper.Map(new CallToolResult
        {
            Content =
            [
                new ResourceLinkBlock { Uri = "file:///notes.md", Name = "notes.md" },
                AudioContentBlock.FromBytes(new byte[10], "audio/wav"),
            ],
        });

        Assert.Equal("[link file:///notes.md notes.md]\n[audio audio/wav, 10 bytes]", result.Context);
        Assert.Null(result.Result);
    }

    [Fact]
    public void StructuredContentIsTheResultWhenThereIsNoMedia()
    {
        using var structured = JsonDocument.Parse("""{"sum":5}""");
        var result = McpResultMapper.Map(new CallToolResult { Content = [new TextContentBlock { Text = "5" }], StructuredContent = structured.RootElement.Clone() });

        Assert.Equal("""{"context":"5","result":{"sum":5}}""", ToolOutputs.From(result).ToString());
    }

    [Fact]
    public void AHugeContextIsCut()
    {
        var result = McpResultMapper.Map(FakeMcpServer.Text(new string('a', McpResultMapper.MaxContextLength + 5)));

        Assert.Equal(new string('a', McpResultMapper.MaxContextLength) + "\n[cut: 5 more characters]", result.Context);
    }

    [Fact]
    public void AudioSizesCountPadding()
    {
        foreach (var length in new[] { 1, 2, 3, 4 })
        {
            var text = McpResultMapper.Map(new CallToolResult { Content = [AudioContentBlock.FromBytes(Encoding.ASCII.GetBytes(new string('x', length)), "audio/ogg")] }).Context;
            Assert.Equal($"[audio audio/ogg, {length} bytes]", text);
        }
    }
}
