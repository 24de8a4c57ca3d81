// order-processing: the Chronicle sample app. See Samples/OrderProcessing/README.md.
import ChronicleCLI

await CommandRunner.main(OrderProcessingCommand.self)
