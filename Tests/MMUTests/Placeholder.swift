import Testing

@Test func placeholderMMUTests() { #expect(Bool(true)) }
