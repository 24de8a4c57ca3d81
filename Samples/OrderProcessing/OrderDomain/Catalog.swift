/// The products the sample shop sells, with prices in cents.
public enum Catalog {
    public struct Product: Sendable, Hashable {
        public let sku: String
        public let name: String
        public let priceCents: Int
    }

    public static let products: [Product] = [
        Product(sku: "TEA-GREEN", name: "Green tea, 100 g", priceCents: 650),
        Product(sku: "TEA-BLACK", name: "Black tea, 100 g", priceCents: 550),
        Product(sku: "MUG-WHITE", name: "White mug", priceCents: 1_200),
        Product(sku: "MUG-BLUE", name: "Blue mug", priceCents: 1_350),
        Product(sku: "POT-CLAY", name: "Clay teapot", priceCents: 4_800),
        Product(sku: "KETTLE", name: "Kettle", priceCents: 3_900),
        Product(sku: "STRAINER", name: "Strainer", priceCents: 450),
        Product(sku: "HONEY", name: "Honey, 250 g", priceCents: 800),
        Product(sku: "BISCUITS", name: "Biscuits", priceCents: 320),
        Product(sku: "GIFT-BOX", name: "Gift box", priceCents: 2_500),
    ]

    public static func product(_ sku: String) -> Product? { products.first { $0.sku == sku } }
}
