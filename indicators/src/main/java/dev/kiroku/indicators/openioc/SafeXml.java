package dev.kiroku.indicators.openioc;

import org.w3c.dom.Document;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses untrusted XML safely: documents with a DOCTYPE are refused (no DTDs, so no entity expansion
 * and no external entities), nothing is fetched, and the input size is bounded. Tolerates what real
 * OpenIOC files do: a byte-order mark, and a comment before the XML declaration.
 */
public final class SafeXml {
    /** Larger inputs are refused before parsing. */
    public static final int MAX_BYTES = 8 * 1024 * 1024;

    private static final Pattern DECLARATION = Pattern.compile("<\\?xml[^>]*\\?>");

    private SafeXml() {
    }

    /** Why an input was refused, with the 1-based line (0 when unknown). */
    public static final class XmlRefusal extends Exception {
        private final int line;

        XmlRefusal(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    public static Document parse(byte[] bytes) throws XmlRefusal {
        if (bytes.length > MAX_BYTES) {
            throw new XmlRefusal(0, "file is " + bytes.length + " bytes, more than the limit of " + MAX_BYTES);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        // A declaration after a leading comment is invalid XML; its encoding is ASCII/UTF-8 in practice.
        Matcher declaration = DECLARATION.matcher(text);
        if (declaration.find()) text = text.substring(0, declaration.start()) + text.substring(declaration.end());
        try {
            DocumentBuilder builder = factory().newDocumentBuilder();
            builder.setErrorHandler(new Strict());
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity refused: " + systemId);
            });
            return builder.parse(new InputSource(new StringReader(text)));
        } catch (SAXParseException e) {
            throw new XmlRefusal(Math.max(e.getLineNumber(), 0), "malformed or unsafe XML: " + explain(e.getMessage()));
        } catch (SAXException e) {
            throw new XmlRefusal(0, "malformed or unsafe XML: " + explain(e.getMessage()));
        } catch (IOException | ParserConfigurationException e) {
            throw new XmlRefusal(0, "cannot parse XML: " + e.getMessage());
        }
    }

    private static String explain(String message) {
        if (message != null && message.contains("DOCTYPE")) {
            return "DOCTYPE declarations are refused (they allow entity expansion and external entities)";
        }
        return message;
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        return f;
    }

    /** Turns warnings into nothing and errors into exceptions (the default handler prints to stderr). */
    private static final class Strict implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }
}
