import Testing

@Test func placeholderMMUSyntaxTests() { #expect(Bool(true)) }
