using System.Text;
using Gateway.Server.Endpoints;

namespace Gateway.Server.Tests;

public sealed class JsonBodyTests
{
    [Theory]
    [InlineData("""{"a":"plain"}""")]
    [InlineData("""{"a":"\ud83d\ude00","\uD83D\uDE00":1}""")]
    [InlineData("""{"a":"\\ud800","b":"\\\ud83d\ude00"}""")]
    [InlineData("""{"a":"\u00e9\n\t\"\\\/"}""")]
    [InlineData("""{"a":["\ud7ff","\ue000"],"b":{"c":"\uffff"}}""")]
    public void TextEveryStringCanCarryIsAccepted(string json)
    {
        using var document = JsonBody.ParseObject(Encoding.UTF8.GetBytes(json), out var problem);

        Assert.NotNull(document);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""", "\\ud800")]
    [InlineData("""{"a":"x\uDBFF"}""", "\\uDBFF")]
    [InlineData("""{"a":"\udc00\ud800"}""", "\\udc00")]
    [InlineData("""{"a":"\ud800\u0041"}""", "\\ud800")]
    [InlineData("""{"a":"\ud800\\udc00"}""", "\\ud800")]
    [InlineData("""{"a":"\ud83d\ude00\ude00"}""", "\\ude00")]
    [InlineData("""{"a":[{"b":"ok"},{"\ud801":0}]}""", "\\ud801")]
    public void AnEscapedLoneSurrogateIsNamed(string json, string escape)
    {
        Assert.Null(JsonBody.ParseObject(Encoding.UTF8.GetBytes(json), out var problem));
        Assert.Equal($"a string escapes a lone surrogate ({escape})", problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0xE2, 0x82, 0x22, 0x3A, 0x31, 0x7D })]
    public void BytesThatAreNotUtf8AreRefusedForTheirText(byte[] body)
    {
        Assert.Null(JsonBody.ParseObject(body, out var problem));
        Assert.Equal("the body is not valid UTF-8", problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"a":"\ud800""")]
    [InlineData("[1]")]
    [InlineData("\"\\ud800\"")]
    public void WhatIsNotAJsonObjectIsRefusedWithoutATextProblem(string json)
    {
        Assert.Null(JsonBody.ParseObject(Encoding.UTF8.GetBytes(json), out var problem));
        Assert.Null(problem);
    }
}
