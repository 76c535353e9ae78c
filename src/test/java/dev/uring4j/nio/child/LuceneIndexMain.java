package dev.uring4j.nio.child;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * Lucene as a server uses it, on {@link NIOFSDirectory} (FileChannel reads, Files output
 * streams, fsync of files and directory, a native lock): builds an index of deterministic
 * documents in several segments, merges, deletes, checks it and searches it. Prints the
 * provider and {@code result ...} lines that must not depend on the provider. Arguments: the
 * index directory, the number of documents, and optionally {@code mmap}: reads then go through
 * {@link MMapDirectory} (FileChannel.map; on JDK 21+ Lucene maps with an Arena).
 */
public final class LuceneIndexMain {
    private static final String[] WORDS = {"ring", "queue", "kernel", "submission", "completion", "buffer", "file",
            "channel", "page", "cache", "thread", "loop", "batch", "socket", "memory", "lock", "index", "segment",
            "merge", "search"};

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int docs = Integer.parseInt(args[1]);
        boolean mmap = args.length > 2 && args[2].equals("mmap");
        System.out.println("provider=" + FileSystems.getDefault().provider().getClass().getName());
        // What NIOFSDirectory's FileChannel.open gives on this JVM (uring4j's with the provider installed).
        java.nio.file.Files.createDirectories(dir);
        Path probe = dir.resolve("channel-probe");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(probe,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.DELETE_ON_CLOSE)) {
            System.out.println("channel=" + ch.getClass().getName());
        }
        Random random = new Random(42);
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                .setMergeScheduler(new SerialMergeScheduler())
                .setMaxBufferedDocs(Math.max(50, docs / 8))
                .setUseCompoundFile(false);
        try (FSDirectory directory = mmap ? new MMapDirectory(dir) : new NIOFSDirectory(dir)) {
            System.out.println("directory=" + directory.getClass().getSimpleName());
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int i = 0; i < docs; i++) {
                    Document doc = new Document();
                    doc.add(new StringField("id", "doc" + i, Field.Store.YES));
                    doc.add(new IntPoint("n", i));
                    doc.add(new NumericDocValuesField("n", i));
                    doc.add(new StoredField("n", i));
                    StringBuilder body = new StringBuilder();
                    for (int w = 5 + random.nextInt(30); w > 0; w--) {
                        body.append(WORDS[(int) Math.abs(random.nextGaussian() * 6) % WORDS.length]).append(' ');
                    }
                    doc.add(new TextField("body", body.toString(), Field.Store.YES));
                    writer.addDocument(doc);
                    if (i % 997 == 0) {
                        writer.commit();
                    }
                }
                writer.deleteDocuments(IntPoint.newRangeQuery("n", 100, 199));
                writer.commit();
                writer.forceMerge(3);
                writer.commit();
            }
            System.out.println("result files=" + countFiles(dir));
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                System.out.println("result docs=" + reader.numDocs() + " max=" + reader.maxDoc() + " segments="
                        + reader.leaves().size());
                IndexSearcher searcher = new IndexSearcher(reader);
                List<Query> queries = new ArrayList<>();
                queries.add(new TermQuery(new Term("body", "kernel")));
                queries.add(new TermQuery(new Term("body", "search")));
                queries.add(new PhraseQuery("body", "ring", "queue"));
                queries.add(new BooleanQuery.Builder()
                        .add(new TermQuery(new Term("body", "buffer")), BooleanClause.Occur.MUST)
                        .add(new TermQuery(new Term("body", "merge")), BooleanClause.Occur.MUST_NOT).build());
                queries.add(IntPoint.newRangeQuery("n", 150, 400));
                queries.add(new TermQuery(new Term("id", "doc" + (docs - 1))));
                for (Query q : queries) {
                    TopDocs top = searcher.search(q, 10);
                    TopDocs sorted = searcher.search(q, 5, new Sort(new SortField("n", SortField.Type.INT, true)));
                    System.out.println("result " + q + " hits=" + top.totalHits + " top=" + ids(searcher, top)
                            + " sorted=" + ids(searcher, sorted));
                }
            }
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            try (CheckIndex check = new CheckIndex(directory)) {
                check.setInfoStream(new PrintStream(report, true, StandardCharsets.UTF_8));
                CheckIndex.Status status = check.checkIndex();
                System.out.println("result clean=" + status.clean + " segments=" + status.numSegments);
                if (!status.clean) {
                    System.out.println(report.toString(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static List<String> ids(IndexSearcher searcher, TopDocs top) throws java.io.IOException {
        List<String> ids = new ArrayList<>();
        for (ScoreDoc sd : top.scoreDocs) {
            ids.add(sd.doc + ":" + searcher.storedFields().document(sd.doc).get("id"));
        }
        return ids;
    }

    private static long countFiles(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }
}
