// Enclave: `enclave chat`, an interactive chat in the terminal against a running server.

import ArgumentParser
import EnclaveCore
import Foundation

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model of a running Enclave server.",
        discussion:
            "Type a message and press Enter; the reply streams in. The conversation is kept across turns. /exit or Ctrl-D ends it, /reset starts over."
    )

    @Option(name: .long, help: "The server's URL (default: $ENCLAVE_URL, else http://127.0.0.1:8080).")
    var url: String?

    @Option(name: .long, help: "An API key (default: $ENCLAVE_API_KEY).")
    var key: String?

    @Option(name: .long, help: "The model (default: the server's first).")
    var model: String?

    @Option(name: .long, help: "A system prompt.")
    var system: String?

    @Option(name: .long, help: "Sampling temperature (0 to 2).")
    var temperature: Double?

    @Option(name: .customLong("max-tokens"), help: "The most tokens per reply.")
    var maxTokens: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let base = url ?? environment["ENCLAVE_URL"] ?? "http://127.0.0.1:8080"
        guard let baseURL = URL(string: base), baseURL.scheme == "http" || baseURL.scheme == "https" else {
            throw ValidationError("--url must be an http or https URL, got '\(base)'")
        }
        guard let key = key ?? environment["ENCLAVE_API_KEY"], !key.isEmpty else {
            throw ValidationError("an API key is needed: pass --key or set ENCLAVE_API_KEY")
        }
        let client = ChatClient(baseURL: baseURL, apiKey: key)
        let model: String
        if let chosen = self.model {
            model = chosen
        } else {
            model = try await client.firstModel()
        }
        var conversation: [ChatTurn] = system.map { [ChatTurn(role: "system", content: $0)] } ?? []
        Console.print("Chatting with \(model) at \(base). /exit or Ctrl-D ends, /reset starts over.")
        while true {
            Console.write("\nyou> ")
            guard let line = readLine(strippingNewline: true) else {
                Console.print("")
                return
            }
            let input = line.trimmingCharacters(in: .whitespaces)
            if input.isEmpty { continue }
            if input == "/exit" || input == "/quit" { return }
            if input == "/reset" {
                conversation.removeAll { $0.role != "system" }
                Console.print("(conversation cleared)")
                continue
            }
            conversation.append(ChatTurn(role: "user", content: input))
            Console.write("\(model)> ")
            do {
                let reply = try await client.streamChat(
                    model: model,
                    messages: conversation,
                    temperature: temperature,
                    maxTokens: maxTokens
                ) { piece in
                    Console.write(piece)
                }
                Console.print("")
                conversation.append(ChatTurn(role: "assistant", content: reply))
            } catch let error as ChatClient.Failure {
                Console.print("")
                Console.error("error: \(error.message)")
                conversation.removeLast()
            }
        }
    }
}
