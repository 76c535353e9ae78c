// Prints, one per line, the JVM arguments Maven Surefire gives the tests: the words of
// its <argLine> and -Dname=value for each <systemPropertyVariables> entry, read from an
// effective POM (mvn help:effective-pom, so every ${...} is already resolved). The guests
// then run the tests with the same settings as `mvn test`.
// usage: java SurefireArgs.java <effective-pom.xml>
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

public class SurefireArgs {
    public static void main(String[] args) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of(args[0]).toFile());
        NodeList plugins = doc.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (!"maven-surefire-plugin".equals(childText(plugin, "artifactId"))) continue;
            if (plugin.getParentNode() != null && "plugins".equals(plugin.getParentNode().getNodeName())
                    && plugin.getParentNode().getParentNode() != null
                    && "pluginManagement".equals(plugin.getParentNode().getParentNode().getNodeName())) continue;
            Element conf = child(plugin, "configuration");
            if (conf == null) continue;
            String argLine = childText(conf, "argLine");
            if (argLine != null) {
                for (String w : argLine.trim().split("\\s+")) {
                    if (!w.isEmpty() && !w.contains("@{") && !w.contains("${")) System.out.println(w);
                }
            }
            Element props = child(conf, "systemPropertyVariables");
            if (props != null) {
                for (Node n = props.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e) System.out.println("-D" + e.getTagName() + "=" + e.getTextContent().trim());
                }
            }
            return;
        }
    }

    static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    static String childText(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }
}
