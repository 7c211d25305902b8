using Gateway.Server.Providers.Local.Tools;

namespace Gateway.IntegrationTests.Local;

/// <summary>A model's tool family from the marks in its chat template (excerpts of the published templates).</summary>
public class ToolFamilyDetectionTests
{
    [Theory]
    [InlineData("{{- '<|im_start|>system\\n' }}{%- for tool in tools %}{{- tool | tojson }}{%- endfor %}{{- '\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags' }}", "Hermes")]
    [InlineData("{{- '<|start_header_id|>ipython<|end_header_id|>\\n\\n' -}}{{- '{\"name\": \"' + tool_call.name + '\", ' }}", "Llama3")]
    [InlineData("{{- '[AVAILABLE_TOOLS] [' }}{%- for tool in tools %}…{%- endfor %}{{- '[TOOL_CALLS] [' }}", "Mistral")]
    [InlineData("{{- '<tool_call>\\n<function=' + tool_call.name + '>\\n' }}{{- '<parameter=' + args_name + '>\\n' }}", "Fallback")]
    [InlineData("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}", "Fallback")]
    [InlineData(null, "Fallback")]
    public void DetectsTheFamily(string? template, string family) => Assert.Equal(family, LocalToolFamilies.Detect(template).ToString());
}
