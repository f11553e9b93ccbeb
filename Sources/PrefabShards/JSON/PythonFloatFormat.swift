/// Formats a `Double` exactly as Python's `repr(float)` (and so `json.dumps`) does.
///
/// Both Swift and Python print the shortest digit string that reads back to the same double;
/// they differ only in layout. Python uses fixed notation while the decimal exponent is in
/// [-4, 16), scientific (`1e-05`, `1.5e+16`, at least two exponent digits) outside, and always
/// shows a fractional part in fixed notation (`2.0`). So the digits come from Swift and the
/// layout follows Python's rule.
enum PythonFloatFormat {
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }

        let description = value.description
        // Swift and Python agree whenever Swift uses fixed notation: same shortest digits, and
        // both write integral values with ".0" (the common case, no reformatting needed).
        let magnitude = abs(value)
        if magnitude >= 1e-4, magnitude < 1e15, !description.utf8.contains(UInt8(ascii: "e")) {
            return description
        }
        // Split Swift's shortest representation into sign, digits and decimal exponent.
        var text = Substring(description)
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else {
                digits.append(byte)
            }
        }
        // value = 0.d1d2d3... × 10^decimalPoint
        var decimalPoint = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }

        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if decimalPoint > -4 && decimalPoint <= 16 {
            if decimalPoint <= 0 {
                out += Array("0.".utf8)
                out += [UInt8](repeating: UInt8(ascii: "0"), count: -decimalPoint)
                out += digits
            } else if decimalPoint >= digits.count {
                out += digits
                out += [UInt8](repeating: UInt8(ascii: "0"), count: decimalPoint - digits.count)
                out += Array(".0".utf8)
            } else {
                out += digits[..<decimalPoint]
                out.append(UInt8(ascii: "."))
                out += digits[decimalPoint...]
            }
        } else {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(UInt8(ascii: "."))
                out += digits[1...]
            }
            let e = decimalPoint - 1
            out.append(UInt8(ascii: "e"))
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = String(abs(e))
            if magnitude.count < 2 { out.append(UInt8(ascii: "0")) }
            out += Array(magnitude.utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
