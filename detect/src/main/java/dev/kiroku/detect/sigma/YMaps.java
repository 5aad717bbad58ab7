package dev.kiroku.detect.sigma;

import dev.kiroku.detect.sigma.yaml.YNode;
import java.util.ArrayList;
import java.util.List;

/** Merges YAML maps for legacy multi-document rules ({@code action: global} and {@code repeat}). */
final class YMaps {
    private YMaps() {
    }

    static YNode.YMap merge(YNode.YMap base, YNode.YMap over) {
        List<YNode.Entry> out = new ArrayList<>();
        for (YNode.Entry e : base.entries()) {
            YNode o = over.get(e.key().text());
            if (o == null) out.add(e);
            else if (o instanceof YNode.YMap om && e.value() instanceof YNode.YMap bm) out.add(new YNode.Entry(e.key(), merge(bm, om)));
            else out.add(new YNode.Entry(e.key(), o));
        }
        for (YNode.Entry e : over.entries()) if (base.get(e.key().text()) == null) out.add(e);
        return new YNode.YMap(out, over.line());
    }
}
