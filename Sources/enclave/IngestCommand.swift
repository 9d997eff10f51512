// Enclave: `enclave ingest COLLECTION PATH...`.

import ArgumentParser
import EnclaveCore
import EnclaveGateway
import EnclaveKnowledge
import EnclaveServer
import Foundation
import Logging

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add files and folders to a collection: parse, chunk, embed and index them.",
        discussion: """
            Folders are walked recursively (hidden files and folders are skipped); a document's name is its path \
            relative to the folder given (a file given directly: its file name). The same bytes under the same name \
            are left unchanged; a changed file replaces its old version when the new one is indexed. A file that \
            cannot be read is reported with the reason and the rest go on. Works whether or not a server runs on \
            the data directory. Exit status: 0 if every file went in, 1 if any failed.
            """
    )

    @Argument(help: "The collection's id or name.")
    var collection: String

    @Argument(help: "Files and folders to ingest.")
    var paths: [String]

    @Flag(help: "Also index the collection's documents an earlier run left queued or indexing (not while a server runs on the data dir).")
    var resume = false

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let workspace = try await storage.openKnowledge()
        let target = try await workspace.administration.existingCollection(collection)
        let embedder = try workspace.embedder(for: target)
        let ingestor = KnowledgeIngestor(
            store: workspace.knowledge,
            embedders: [embedder],
            settings: IngestionSettings(workspace.configuration.knowledge),
            screen: try GuardrailService.configured(workspace.configuration).documentScreen,
            logger: Logger(label: "enclave.ingest") { _ in SwiftLogNoOpLogHandler() }
        )
        // A running server may be indexing the collection's queued documents itself: take them up only when asked.
        var resumed: [KnowledgeDocument] = []
        if resume {
            resumed = try await ingestor.resumeUnfinished(inCollection: target.id)
            if !resumed.isEmpty { Console.error("Resuming \(resumed.count) unfinished document(s).") }
        } else {
            let unfinished = try await workspace.knowledge.documents(withStatus: [.queued, .indexing]).filter { $0.collectionID == target.id }
            if !unfinished.isEmpty {
                Console.error(
                    "\(unfinished.count) document(s) of '\(target.name)' are unfinished (a server indexing them, or a run that stopped): "
                        + "`enclave serve` resumes them at start; `enclave ingest --resume` takes them up now."
                )
            }
        }

        var report = IngestReport()
        var receipts: [IngestionReceipt] = []
        var pathOf: [String: String] = Dictionary(resumed.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        for file in IngestFiles.walk(paths, report: &report) {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file.path))
            } catch {
                report.failures.append((file.path, "cannot be read"))
                continue
            }
            let receipt = try await ingestor.submit(collectionID: target.id, fileName: file.name, data: data)
            receipts.append(receipt)
            switch receipt.status {
            case .queued: if let id = receipt.documentID { pathOf[id] = file.path }
            case .unchanged: report.unchanged += 1
            case .duplicate: report.duplicates.append((file.path, receipt.duplicateOf ?? "?"))
            case .failed: report.failures.append((file.path, receipt.reason ?? "refused"))
            }
        }
        try await workspace.administration.recordSubmission(receipts, collection: target)

        let bar = ProgressLine(isTerminal: isatty(STDERR_FILENO) == 1)
        let paths = pathOf
        let finished = await ingestor.drain { progress in bar.show(progress, path: paths[progress.document.id] ?? progress.document.name) }
        bar.finish()
        for document in finished {
            if document.isReady {
                report.ingested += 1
                report.chunks += document.chunkCount
            } else {
                report.failures.append((pathOf[document.id] ?? document.name, document.failure ?? "failed"))
            }
        }
        report.print()
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}

/// What `enclave ingest` prints at the end.
struct IngestReport {
    var ingested = 0
    var chunks = 0
    var unchanged = 0
    var duplicates: [(path: String, of: String)] = []
    var failures: [(path: String, reason: String)] = []

    func print() {
        var summary = "\(ingested) ingested (\(chunks) chunks), \(unchanged) unchanged"
        if !duplicates.isEmpty { summary += ", \(duplicates.count) duplicate" }
        summary += ", \(failures.count) failed"
        Console.print(summary)
        for duplicate in duplicates { Console.print("\(duplicate.path): the same bytes are already in the collection as '\(duplicate.of)'") }
        for failure in failures { Console.print("\(failure.path): \(failure.reason)") }
    }
}

/// The files under the paths given to `enclave ingest`.
enum IngestFiles {
    /// A file to ingest: where it is and its document name.
    struct File {
        var path: String
        var name: String
    }

    /// The files of `paths`, folders walked recursively in name order without hidden entries; a path that
    /// does not exist goes into `report` as a failure.
    static func walk(_ paths: [String], report: inout IngestReport) -> [File] {
        var files: [File] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                report.failures.append((path, "no such file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(File(path: path, name: (path as NSString).lastPathComponent))
                continue
            }
            let root = URL(fileURLWithPath: path).standardizedFileURL
            let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            var found: [File] = []
            while let url = enumerator?.nextObject() as? URL {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count).drop { $0 == "/" })
                found.append(File(path: (path as NSString).appendingPathComponent(relative), name: relative))
            }
            files += found.sorted { $0.name < $1.name }
        }
        return files
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, a line per document otherwise.
final class ProgressLine: Sendable {
    let isTerminal: Bool

    init(isTerminal: Bool) {
        self.isTerminal = isTerminal
    }

    func show(_ progress: IngestionProgress, path: String) {
        let counts = "\(progress.documentsDone)/\(progress.documentsTotal) documents, \(progress.chunks) chunks"
        if isTerminal {
            let width = 30
            let filled = progress.documentsTotal == 0 ? width : width * progress.documentsDone / progress.documentsTotal
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(counts)".utf8))
        } else {
            let outcome = progress.document.isReady ? "\(progress.document.chunkCount) chunks" : "failed"
            Console.error("[\(counts)] \(path): \(outcome)")
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
