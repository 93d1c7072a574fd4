/// A thread body in a box: a class reference that can be used unretained.
final class BodyBox {
    let body: SimExecutor.Body
    init(_ body: @escaping SimExecutor.Body) { self.body = body }
}
