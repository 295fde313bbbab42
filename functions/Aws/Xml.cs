using System.Xml;
using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// Namespace-agnostic reads of AWS XML responses (Query and REST-XML protocols).
internal static class Xml
{
    /// A success that is not XML may still have been applied: AwsMalformedResponse (outcome unknown).
    public static XDocument Parse(string text, AwsService service, string action)
    {
        try
        {
            return XDocument.Parse(text);
        }
        catch (XmlException)
        {
            throw new AwsMalformedResponseException(service.Name, action, "an XML body (it was not XML)");
        }
    }

    public static IEnumerable<XElement> All(XContainer node, string name) => node.Descendants().Where(e => e.Name.LocalName == name);

    public static string? First(XContainer node, string name) => All(node, name).FirstOrDefault()?.Value;

    public static string? Child(XElement element, string name) => element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
