// Enclave guardrails: the phrases of prompt injection and jailbreak attempts, in ten languages.

extension PromptInjectionDetector {
    static let overrideVerbs = "ignore|ignoring|disregard|forget|skip|override|bypass|neglect|discard|drop|abandon|ditch|erase|delete|cancel"
    static let qualifiers =
        "previous|prior|above|earlier|preceding|former|initial|original|old|all|any|system|your|these|those|every|existing|foregoing|given|current|default|safety"
    static let instructionNouns =
        "instructions|instruction|prompts|prompt|rules|directions|guidelines|commands|orders|constraints|restrictions|programming|messages|guidance|policies|directives|context|training|settings|filters"

    /// `(pattern, weight, category)`: the English phrases, then the other languages (override category).
    static let phraseDefinitions: [(String, Double, String)] = [
        // Instruction override.
        ("\(overrideVerbs) ~3 \(qualifiers) ~3 \(instructionNouns)", 0.9, "override"),
        ("\(overrideVerbs) ~1 everything|anything|all ~3 above|before|prior|previously|earlier|said|told|so", 0.85, "override"),
        ("forget|ignore|disregard everything|anything", 0.45, "override"),
        ("\(overrideVerbs) ~2 the|these|those|my|all|any|your ~1 \(instructionNouns) ~1 above|before|earlier|previously|so|given", 0.85, "override"),
        ("broken|break|breaking ~1 free ~3 confines|rules|restrictions|limitations|shackles", 0.6, "roleplay"),
        ("not|t|never ~3 abide|obey|comply|adhere ~3 rules|policies|guidelines|restrictions|policy|laws", 0.6, "roleplay"),
        ("immerse ~1 yourself ~3 role", 0.45, "roleplay"),
        ("not|t|never follow|obey ~2 previous|original|your|the|system|prior|any ~2 \(instructionNouns)", 0.75, "override"),
        ("your|the new instructions|rules|task|role|objective|goal are|is", 0.55, "override"),
        ("new|updated|revised instructions|directive|rules", 0.35, "override"),
        ("from now on ~3 you|respond|act|answer|reply", 0.35, "override"),
        (
            "override|bypass|disable|circumvent|deactivate ~3 safety|content|security|moderation|ethical ~1 filters|filter|guidelines|protocols|restrictions|policies|measures|checks|guardrails|settings",
            0.75, "override"
        ),
        ("instead ~4 say|print|output|respond|reply|write ~2 only|exactly|the", 0.3, "override"),
        (
            "\(overrideVerbs) ~3 ethics|ethical|safety|moral|morals|openai|anthropic|content ~2 guidelines|policy|policies|rules|constraints|principles|considerations",
            0.7, "override"
        ),
        ("stop being|acting ~2 an|a ~1 ai|assistant|chatbot", 0.4, "roleplay"),
        // Role play and jailbreaks.
        ("developer|dev|debug|god|sudo|unrestricted|jailbreak mode", 0.45, "roleplay"),
        ("enable|activate|enter|switch ~3 developer|debug|god|sudo|unrestricted|jailbreak ~1 mode", 0.5, "roleplay"),
        ("do anything now", 0.85, "roleplay"),
        ("you|re|as|called|named|play ~1 dan", 0.5, "roleplay"),
        ("dan|stan|dude|aim mode|prompt|jailbreak", 0.6, "roleplay"),
        ("jailbreak|jailbroken|jailbreaking|jailbreaks", 0.4, "roleplay"),
        (
            "no|without|zero|free|none ~3 restrictions|limitations|limits|filters|filtering|censorship|boundaries|guardrails|constraints|rules|limit",
            0.35, "roleplay"
        ),
        ("pretend|imagine|suppose ~2 you|to ~1 are|be|were|have|re", 0.25, "roleplay"),
        (
            "act|behave|roleplay|role|respond|answer ~3 as|like ~3 unrestricted|unfiltered|uncensored|evil|jailbroken|rogue|malicious|amoral|unethical|unlimited",
            0.65, "roleplay"
        ),
        (
            "unrestricted|unfiltered|uncensored|unaligned|amoral|unbound|evil|rogue ~2 ai|assistant|model|mode|chatbot|version|llm|bot|persona", 0.6,
            "roleplay"
        ),
        ("stay|remain|keep ~1 in character", 0.35, "roleplay"),
        ("never|not|cannot|t refuse|refuses|refusing|decline|declines", 0.4, "roleplay"),
        ("no ethical|moral|ethics|morals ~2 guidelines|constraints|limits|principles|boundaries|restrictions|obligations|qualms", 0.5, "roleplay"),
        ("no|not|never longer ~2 bound|restricted|limited|constrained|required|an|obligated|subject", 0.45, "roleplay"),
        ("opposite|evil|shadow|dark|alter ~1 mode|twin|ego|version|persona|self", 0.35, "roleplay"),
        ("hypothetical|fictional ~3 no|without ~2 rules|restrictions|limits|consequences", 0.35, "roleplay"),
        // System prompt extraction.
        (
            "repeat|print|reveal|show|output|display|tell|give|share|dump|leak|expose|disclose|write|return|recite|echo|list|copy|paste|summarize|translate|spell ~4 your ~2 system|initial|original|hidden|secret|first|full|exact|developer|internal|entire|complete|confidential|pre ~1 prompt|prompts|instructions|message|instruction|directives|rules|guidelines",
            0.85, "extraction"
        ),
        (
            "repeat|print|reveal|show|output|display|tell|give|share|dump|leak|expose|disclose|write|return|recite|echo|list ~4 the|your ~1 system|initial|hidden|secret|confidential|developer ~1 prompt|prompts|message|instructions",
            0.7, "extraction"
        ),
        (
            "what|which ~1 is|are|was|were ~2 your ~2 system|initial|original|hidden|secret|developer|exact ~1 prompt|prompts|instructions|message|rules|directives",
            0.8, "extraction"
        ),
        (
            "repeat|print|output|copy|reproduce|recite|echo|rewrite|spell ~4 everything|all|text|words|content|lines|sentences ~3 above|before|preceding|prior|earlier",
            0.8, "extraction"
        ),
        ("what ~3 you|were ~1 told|instructed|programmed|prompted ~2 before|initially|originally|at", 0.55, "extraction"),
        ("prompt|prompts|instructions|message|rules ~1 you ~1 were|was|have|got ~1 given|told|provided|assigned|received", 0.5, "extraction"),
        ("verbatim|word ~2 your ~2 prompt|instructions|system", 0.5, "extraction"),
        ("beginning|start|top ~2 of ~2 the|this|your ~1 conversation|prompt|context|chat", 0.3, "extraction"),
        // German.
        (
            "ignoriere|ignorier|ignorieren|vergiss|vergessen|missachte|missachten|\u{FC}bergehe ~4 anweisungen|anweisung|instruktionen|befehle|regeln|anordnungen|vorgaben|richtlinien",
            0.6, "override"
        ),
        (
            "ignoriere|ignorier|ignorieren|vergiss|vergessen|missachte|missachten|\u{FC}bergehe ~2 alle|vorherigen|vorherige|bisherigen|bisherige|obigen|vorangegangenen|vorigen|deine|ihre|s\u{E4}mtliche|fr\u{FC}heren|urspr\u{FC}nglichen ~3 anweisungen|anweisung|instruktionen|befehle|regeln|anordnungen|vorgaben|richtlinien",
            0.9, "override"
        ),
        ("vergiss|ignoriere alles", 0.55, "override"),
        ("zeige|zeig|gib|nenne|wiederhole ~4 deinen|deine|den ~1 systemprompt|system-prompt|anweisungen|systemanweisungen", 0.8, "extraction"),
        ("entwicklermodus", 0.6, "roleplay"),
        // French.
        (
            "ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|n\u{E9}glige|n\u{E9}gligez ~4 instructions|consignes|r\u{E8}gles|directives|indications|ordres",
            0.6, "override"
        ),
        (
            "ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|n\u{E9}glige|n\u{E9}gligez ~2 toutes|tes|vos ~3 instructions|consignes|r\u{E8}gles|directives|indications|ordres",
            0.9, "override"
        ),
        (
            "ignore|ignorez|ignorer|ignores|oublie|oubliez|oublier|n\u{E9}glige|n\u{E9}gligez ~3 instructions|consignes|r\u{E8}gles|directives|indications|ordres ~1 pr\u{E9}c\u{E9}dentes|precedentes|ant\u{E9}rieures|initiales|originales|ci|re\u{E7}ues|donn\u{E9}es|syst\u{E8}me",
            0.9, "override"
        ),
        ("oublie|oubliez tout", 0.55, "override"),
        ("r\u{E9}v\u{E8}le|montre|affiche|donne|r\u{E9}p\u{E8}te ~4 ton|votre|tes|vos ~1 prompt|instructions|consignes", 0.8, "extraction"),
        ("mode d\u{E9}veloppeur", 0.6, "roleplay"),
        // Spanish.
        (
            "ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olviden|omite|descarta ~4 instrucciones|indicaciones|reglas|\u{F3}rdenes|directrices|instrucci\u{F3}n",
            0.6, "override"
        ),
        (
            "ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olviden|omite|descarta ~2 todas|tus|sus ~3 instrucciones|indicaciones|reglas|\u{F3}rdenes|directrices|instrucci\u{F3}n",
            0.9, "override"
        ),
        (
            "ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olviden|omite|descarta ~3 instrucciones|indicaciones|reglas|\u{F3}rdenes|directrices|instrucci\u{F3}n ~1 anteriores|previas|iniciales|originales|recibidas|del|de",
            0.9, "override"
        ),
        ("olvida|olvide todo", 0.55, "override"),
        ("muestra|revela|dime|repite|imprime ~4 tu|tus|su ~1 prompt|instrucciones", 0.8, "extraction"),
        ("modo desarrollador", 0.6, "roleplay"),
        // Italian.
        ("ignora|ignorare|ignori|dimentica|dimenticare|dimentichi|trascura ~4 istruzioni|regole|indicazioni|direttive|istruzione", 0.6, "override"),
        (
            "ignora|ignorare|ignori|dimentica|dimenticare|dimentichi|trascura ~2 tutte|tue|sue ~3 istruzioni|regole|indicazioni|direttive|istruzione",
            0.9, "override"
        ),
        (
            "ignora|ignorare|ignori|dimentica|dimenticare|dimentichi|trascura ~3 istruzioni|regole|indicazioni|direttive|istruzione ~1 precedenti|ricevute|iniziali|originali|sopra|di",
            0.9, "override"
        ),
        ("dimentica tutto", 0.55, "override"),
        ("mostra|rivela|dimmi|ripeti|stampa ~4 il|tuo|tue|le ~1 prompt|istruzioni", 0.75, "extraction"),
        ("modalit\u{E0} sviluppatore", 0.6, "roleplay"),
        // Portuguese.
        (
            "ignore|ignora|ignorar|ignorem|esque\u{E7}a|esquece|esqueca|esquecer|desconsidere|desconsidera ~4 instru\u{E7}\u{F5}es|instrucoes|regras|orienta\u{E7}\u{F5}es|diretrizes|instru\u{E7}\u{E3}o",
            0.6, "override"
        ),
        (
            "ignore|ignora|ignorar|ignorem|esque\u{E7}a|esquece|esqueca|esquecer|desconsidere|desconsidera ~2 todas|suas|tuas ~3 instru\u{E7}\u{F5}es|instrucoes|regras|orienta\u{E7}\u{F5}es|diretrizes|instru\u{E7}\u{E3}o",
            0.9, "override"
        ),
        (
            "ignore|ignora|ignorar|ignorem|esque\u{E7}a|esquece|esqueca|esquecer|desconsidere|desconsidera ~3 instru\u{E7}\u{F5}es|instrucoes|regras|orienta\u{E7}\u{F5}es|diretrizes|instru\u{E7}\u{E3}o ~1 anteriores|pr\u{E9}vias|previas|iniciais|originais|acima|do",
            0.9, "override"
        ),
        ("esque\u{E7}a|esquece tudo", 0.55, "override"),
        ("mostre|mostra|revele|revela|repita|diga ~4 seu|suas|teu|tuas|o ~1 prompt|instru\u{E7}\u{F5}es", 0.75, "extraction"),
        ("modo desenvolvedor", 0.6, "roleplay"),
        // Dutch.
        ("negeer|negeren|vergeet|vergeten ~4 instructies|instructie|regels|aanwijzingen|opdrachten|richtlijnen", 0.6, "override"),
        (
            "negeer|negeren|vergeet|vergeten ~2 alle|vorige|eerdere|voorgaande|je|jouw|uw|bovenstaande|oorspronkelijke ~3 instructies|instructie|regels|aanwijzingen|opdrachten|richtlijnen",
            0.9, "override"
        ),
        ("vergeet alles", 0.55, "override"),
        ("toon|laat|geef|herhaal ~4 je|jouw|uw ~1 systeemprompt|prompt|instructies", 0.75, "extraction"),
        // Russian.
        (
            "\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}|\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}\u{442}\u{435}|\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{43E}\u{432}\u{430}\u{442}\u{44C}|\u{43F}\u{440}\u{43E}\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}|\u{437}\u{430}\u{431}\u{443}\u{434}\u{44C}|\u{437}\u{430}\u{431}\u{443}\u{434}\u{44C}\u{442}\u{435} ~4 \u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{438}|\u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{439}|\u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{44E}|\u{443}\u{43A}\u{430}\u{437}\u{430}\u{43D}\u{438}\u{44F}|\u{43F}\u{440}\u{430}\u{432}\u{438}\u{43B}\u{430}|\u{43A}\u{43E}\u{43C}\u{430}\u{43D}\u{434}\u{44B}",
            0.6, "override"
        ),
        (
            "\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}|\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}\u{442}\u{435}|\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{43E}\u{432}\u{430}\u{442}\u{44C}|\u{43F}\u{440}\u{43E}\u{438}\u{433}\u{43D}\u{43E}\u{440}\u{438}\u{440}\u{443}\u{439}|\u{437}\u{430}\u{431}\u{443}\u{434}\u{44C}|\u{437}\u{430}\u{431}\u{443}\u{434}\u{44C}\u{442}\u{435} ~2 \u{432}\u{441}\u{435}|\u{43F}\u{440}\u{435}\u{434}\u{44B}\u{434}\u{443}\u{449}\u{438}\u{435}|\u{43F}\u{440}\u{435}\u{436}\u{43D}\u{438}\u{435}|\u{441}\u{432}\u{43E}\u{438}|\u{442}\u{432}\u{43E}\u{438}|\u{432}\u{430}\u{448}\u{438} ~3 \u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{438}|\u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{439}|\u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{44E}|\u{443}\u{43A}\u{430}\u{437}\u{430}\u{43D}\u{438}\u{44F}|\u{43F}\u{440}\u{430}\u{432}\u{438}\u{43B}\u{430}|\u{43A}\u{43E}\u{43C}\u{430}\u{43D}\u{434}\u{44B}",
            0.9, "override"
        ),
        ("\u{437}\u{430}\u{431}\u{443}\u{434}\u{44C} \u{432}\u{441}\u{451}|\u{432}\u{441}\u{435}", 0.55, "override"),
        (
            "\u{43F}\u{43E}\u{43A}\u{430}\u{436}\u{438}|\u{440}\u{430}\u{441}\u{43A}\u{440}\u{43E}\u{439}|\u{43F}\u{043E}\u{432}\u{442}\u{43E}\u{440}\u{438}|\u{432}\u{44B}\u{432}\u{435}\u{434}\u{438} ~3 \u{441}\u{432}\u{43E}\u{439}|\u{441}\u{432}\u{43E}\u{438}|\u{441}\u{438}\u{441}\u{442}\u{435}\u{43C}\u{43D}\u{44B}\u{439} ~1 \u{43F}\u{440}\u{43E}\u{43C}\u{43F}\u{442}|\u{438}\u{43D}\u{441}\u{442}\u{440}\u{443}\u{43A}\u{446}\u{438}\u{438}",
            0.75, "extraction"
        ),
    ]

    /// Chinese, Japanese and Korean: a verb of ignoring followed, within a few characters, by a word for
    /// instructions (these scripts have no spaces to split words at).
    static let cjkVerbs: [String] = ["忽略", "忽视", "无视", "忘记", "忘掉", "不要理会", "無視", "忘れ", "무시", "잊어"]
    static let cjkNouns: [String] = ["指令", "指示", "说明", "規則", "规则", "提示", "命令", "설명", "지시", "명령", "プロンプト"]
    static let cjkExtraction: [String] = ["系统提示", "系統提示", "系统指令", "システムプロンプト", "시스템 프롬프트"]
}
