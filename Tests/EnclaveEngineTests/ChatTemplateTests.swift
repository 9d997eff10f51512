// Enclave: chat templates render byte for byte as Hugging Face's jinja2 renderer does.

import EnclaveEngine
import Foundation
import Testing

@Suite struct ChatTemplateTests {
    private static let fixedNow = Date(timeIntervalSince1970: ChatTemplateFixtures.now)

    private func outcome(_ body: () throws(ChatTemplateError) -> String) -> ChatTemplateFixtures.Expected {
        do {
            return .output(try body())
        } catch {
            return error.code == .raised ? .raised(error.message) : .runtime(error.message)
        }
    }

    private func check(_ actual: ChatTemplateFixtures.Expected, _ expected: ChatTemplateFixtures.Expected) {
        switch expected {
        case .output, .raised:
            #expect(actual == expected)
        case .runtime:
            guard case .runtime = actual else {
                Issue.record("expected a runtime error, got \(actual)")
                return
            }
        }
    }

    @Test(arguments: ChatTemplateFixtures.cases)
    func realTemplateMatchesHuggingFace(_ fixture: ChatTemplateFixtures.Case) throws {
        let template = try ChatTemplate(source: fixture.template.source)
        let actual = outcome { () throws(ChatTemplateError) in
            try template.render(
                messages: fixture.conversation.messages,
                addGenerationPrompt: fixture.conversation.addGenerationPrompt,
                bosToken: fixture.template.bos,
                eosToken: fixture.template.eos,
                now: Self.fixedNow
            )
        }
        check(actual, fixture.expected)
    }

    @Test(arguments: ChatTemplateFixtures.features)
    func languageFeatureMatchesJinja(_ feature: ChatTemplateFixtures.Feature) throws {
        let template = try ChatTemplate(source: feature.source)
        let actual = outcome { () throws(ChatTemplateError) in
            try template.render(context: feature.context, now: Self.fixedNow)
        }
        check(actual, feature.expected)
    }

    @Test(arguments: ChatTemplateFixtures.toolCases)
    func toolDefinitionsRenderAsHuggingFaceRendersThem(_ fixture: ChatTemplateFixtures.ToolCase) throws {
        let template = try ChatTemplate(source: fixture.template.source)
        let actual = outcome { () throws(ChatTemplateError) in
            try template.render(
                messages: fixture.messages,
                addGenerationPrompt: true,
                bosToken: fixture.template.bos,
                eosToken: fixture.template.eos,
                variables: fixture.variables,
                now: Self.fixedNow
            )
        }
        check(actual, fixture.expected)
    }

    @Test func smolLM2TemplateFromGGUFRendersTheDocumentedPrompts() throws {
        let file = try GGUFFile(path: TestModels.require(TestModels.smolLM2))
        let source = try #require(file.metadata.string("tokenizer.chat_template"))
        #expect(source == ChatTemplateFixtures.smolLM2.source)
        let template = try ChatTemplate(source: source)
        #expect(template.family == .chatml)
        let first = try template.render(
            messages: [.user("Hi")],
            addGenerationPrompt: true,
            bosToken: "<|im_start|>",
            eosToken: "<|im_end|>"
        )
        #expect(
            first == "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        )
        let conversation: [ChatMessage] = [.system("S"), .user("Hi"), .assistant("Hello!"), .user("Bye")]
        let second = try template.render(
            messages: conversation,
            addGenerationPrompt: true,
            bosToken: "<|im_start|>",
            eosToken: "<|im_end|>"
        )
        #expect(
            second == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
                + "Hello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n"
        )
    }

    @Test func familiesAreDetectedFromTheSource() throws {
        let expected: [String: ChatTemplateFamily] = [
            "smolLM2": .chatml, "qwen2": .chatml, "llama2": .llama2, "llama3": .llama3, "llama31": .llama3,
            "llama32": .llama3, "mistralV01Original": .mistral, "mixtralOriginal": .mistral,
            "mistralInstruct": .mistral, "mistralV03": .mistral, "gemma2": .gemma, "gemma3": .gemma, "zephyr": .zephyr,
        ]
        for fixture in ChatTemplateFixtures.templates {
            #expect(try ChatTemplate(source: fixture.source).family == expected[fixture.name], "\(fixture.name)")
        }
        #expect(try ChatTemplate(source: "{{ messages[0].content }}").family == .unknown)
    }

    @Test func gemmaFallbackMergesTheSystemMessageIntoTheFirstUserTurn() throws {
        let template = ChatTemplate.fallback(forArchitecture: "gemma3")
        #expect(template.family == .gemma)
        let prompt = try template.render(
            messages: [.system("Be brief."), .user(" Hi "), .assistant("Hello!"), .user("Bye")],
            addGenerationPrompt: true,
            bosToken: "<bos>",
            eosToken: "<eos>"
        )
        #expect(
            prompt == "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n"
                + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"
        )
        let plain = try template.render(
            messages: [.user("Hi")],
            addGenerationPrompt: false,
            bosToken: "<bos>",
            eosToken: "<eos>"
        )
        #expect(plain == "<bos><start_of_turn>user\nHi<end_of_turn>\n")
        // The fallback agrees with Gemma 3's own template wherever Gemma's accepts the conversation.
        let gemma3 = try ChatTemplate(source: ChatTemplateFixtures.gemma3.source)
        for conversation in ChatTemplateFixtures.conversations where conversation.name != "notAlternating" {
            let own = try gemma3.render(
                messages: conversation.messages,
                addGenerationPrompt: conversation.addGenerationPrompt,
                bosToken: "<bos>",
                eosToken: "<eos>"
            )
            let fallback = try template.render(
                messages: conversation.messages,
                addGenerationPrompt: conversation.addGenerationPrompt,
                bosToken: "<bos>",
                eosToken: "<eos>"
            )
            #expect(fallback == own, "\(conversation.name)")
        }
        #expect(ChatTemplate.fallback(forArchitecture: "gemma").family == .gemma)
        #expect(ChatTemplate.fallback(forArchitecture: "gemma2").family == .gemma)
    }

    @Test func chatMLFallbackForOtherArchitectures() throws {
        for architecture in ["llama", "qwen2", "mistral", "phi3"] {
            let template = ChatTemplate.fallback(forArchitecture: architecture)
            #expect(template.family == .chatml)
            let prompt = try template.render(
                messages: [.system("S"), .user("Hi")],
                addGenerationPrompt: true,
                bosToken: "<s>",
                eosToken: "</s>"
            )
            #expect(prompt == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
        }
    }

    @Test func extraVariablesReachTheTemplate() throws {
        let template = try ChatTemplate(source: ChatTemplateFixtures.llama31.source)
        let prompt = try template.render(
            messages: [.user("Hi")],
            addGenerationPrompt: true,
            bosToken: "<|begin_of_text|>",
            eosToken: "<|eot_id|>",
            variables: ["date_string": "01 Jan 2025"]
        )
        #expect(prompt.contains("Today Date: 01 Jan 2025\n\n"))
        #expect(prompt.hasSuffix("<|start_header_id|>assistant<|end_header_id|>\n\n"))
    }

    @Test func parseErrorsNameTheLineAndColumn() {
        let cases: [(String, ChatTemplateError.Code, Int, Int)] = [
            ("{% for m in messages %}{{ m }}", .syntax, 1, 31),
            ("ok\n  {{ x | nosuchfilter }}", .unsupported, 2, 10),
            ("{{ x is nosuchtest }}", .unsupported, 1, 6),
            ("a\n{% frobnicate %}", .syntax, 2, 1),
            ("{{ 'unterminated }}", .syntax, 1, 4),
            ("{{ (1, 2 }}", .syntax, 1, 10),
            ("{% if x %}{% endfor %}", .syntax, 1, 11),
            ("{{ x ", .syntax, 1, 1),
            ("{# never closed", .syntax, 1, 1),
            ("{% macro m() %}{% endmacro %}", .unsupported, 1, 1),
            ("{% break %}", .syntax, 1, 1),
            ("{{ x $ y }}", .syntax, 1, 6),
        ]
        for (source, code, line, column) in cases {
            do {
                _ = try ChatTemplate(source: source)
                Issue.record("parsed \(source.debugDescription)")
            } catch {
                #expect(error.code == code, "\(source.debugDescription): \(error)")
                #expect(error.line == line && error.column == column, "\(source.debugDescription): \(error)")
            }
        }
    }

    @Test func raisedErrorsCarryTheTemplatesMessage() throws {
        let template = try ChatTemplate(source: ChatTemplateFixtures.llama2.source)
        do {
            _ = try template.render(
                messages: [.user("a"), .user("b")],
                addGenerationPrompt: true,
                bosToken: "<s>",
                eosToken: "</s>"
            )
            Issue.record("rendered a conversation whose roles do not alternate")
        } catch {
            #expect(error.code == .raised)
            #expect(error.message == "Conversation roles must alternate user/assistant/user/assistant/...")
            #expect(error.line == 1)
            #expect(error.description.contains("Conversation roles must alternate"))
        }
    }

    @Test func runawayTemplatesHitLimitsInsteadOfExhaustingTheServer() throws {
        let sources = [
            "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(2) %}{% endfor %}{% endfor %}{% endfor %}",
            "{{ range(1000000) | length }}",
            "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500),
        ]
        for source in sources {
            do {
                _ = try ChatTemplate(source: source.hasPrefix("(") ? "{{ \(source) }}" : source).render(context: [:])
                Issue.record("no limit for \(source.prefix(40))")
            } catch {
                #expect(error.code == .limit, "\(error)")
            }
        }
    }
}
