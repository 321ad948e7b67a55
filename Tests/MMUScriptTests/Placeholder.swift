import Testing

@Test func placeholderMMUScriptTests() { #expect(Bool(true)) }
