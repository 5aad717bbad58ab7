package dev.kiroku.store.lucene;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.LowerCaseFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits command lines and paths into lower-cased words: runs of letters, digits and '_'.
 * {@code /usr/bin/curl --user admin:s3cret} gives usr, bin, curl, user, admin, s3cret.
 */
final class WordAnalyzer extends Analyzer {
    static final WordAnalyzer INSTANCE = new WordAnalyzer();

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer tokenizer = CharTokenizer.fromTokenCharPredicate(c -> Character.isLetterOrDigit(c) || c == '_');
        return new TokenStreamComponents(tokenizer, new LowerCaseFilter(tokenizer));
    }

    List<String> words(String field, String text) {
        List<String> words = new ArrayList<>();
        try (TokenStream stream = tokenStream(field, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) words.add(term.toString());
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a string cannot fail", e);
        }
        return words;
    }
}
