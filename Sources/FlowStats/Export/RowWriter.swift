/// Writes the fields of a row: each column's writer in column order, without the line end.
///
/// The writers sit in a chain of immutable nodes rather than in an array: calling a closure
/// taken out of an array costs a retain and a release of its context (the array could change
/// during the call), as much as writing a short field, while a closure held by a `let` of a
/// node that is itself alive for the call is called as it is. The compiler turns the walk
/// down the chain into a loop.
///
/// The writers write into a ``RowBuffer``: room for every bounded field of the row is made once,
/// before the row (``rowBytes``), so they check for none.
final class RowWriter: Sendable {
    private let field: Column.Writer
    private let next: RowWriter?
    /// The room a row's bounded fields and its line end may take: ``CSVBuffer/boundedFieldBytes``
    /// per column, and 1. Made before each row and kept by its unbounded fields.
    let rowBytes: Int

    /// The writers of `columns`, in order (`columns` must not be empty).
    convenience init(_ columns: [Column]) {
        precondition(!columns.isEmpty, "a schema has columns")
        let rest = columns.dropFirst().reversed().reduce(nil as RowWriter?) { next, column in
            RowWriter(column.write, then: next)
        }
        self.init(columns[0].write, then: rest)
    }

    private init(_ field: @escaping Column.Writer, then next: RowWriter?) {
        self.field = field
        self.next = next
        rowBytes = (next?.rowBytes ?? 1) + CSVBuffer.boundedFieldBytes
    }

    /// Writes the row's fields (`out` has ``rowBytes`` free, and keeps them past every
    /// unbounded field: ``CSVBuffer/rowReserve``).
    func write(_ row: FlowRow, file: borrowing FileContext, to out: RowBuffer) {
        field(row, file, out)
        next?.write(row, file: file, to: out)
    }
}
